namespace XaiVision.Contracts;

/// <summary>Event: the spec is invalid; every problem is listed. Nothing was written.</summary>
public sealed record AuditJobRejected(Guid JobId, IReadOnlyList<ValidationProblem> Problems);
