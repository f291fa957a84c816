namespace XaiVision.Contracts;

/// <summary>Event: progress of a job after a shard finished.</summary>
public sealed record AuditJobProgress(Guid JobId, int ShardIndex, int ShardCount, int ImagesInShard, int ImagesTotal);
