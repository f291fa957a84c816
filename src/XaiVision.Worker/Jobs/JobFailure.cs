namespace XaiVision.Worker.Jobs;

/// <summary><c>failed.json</c>: why a job failed (written once, by the caller that failed it).</summary>
public sealed record JobFailure(Guid JobId, string Reason);
