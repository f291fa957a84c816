namespace XaiVision.Contracts;

/// <summary>Command: plan and run an audit. The job id is the submitter's (idempotency key).</summary>
public sealed record SubmitAuditJob(Guid JobId, AuditJobSpec Spec);
