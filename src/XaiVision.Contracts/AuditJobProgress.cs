namespace XaiVision.Contracts;

/// <summary>Event: a shard of a job finished — its images and the job's total, for progress bars.</summary>
public sealed record AuditJobProgress(Guid JobId, int ShardIndex, int ShardCount, int ImagesInShard, int ImagesTotal);
