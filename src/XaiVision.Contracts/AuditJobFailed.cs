namespace XaiVision.Contracts;

/// <summary>Event: the job cannot finish (e.g. the model does not load); said once per job.</summary>
public sealed record AuditJobFailed(Guid JobId, string Reason);
