namespace XaiVision.Contracts;

/// <summary>Event: a shard's result is stored.</summary>
public sealed record ShardCompleted(Guid JobId, int ShardIndex, int ShardCount, AuditJobSpec Spec, int Images, int FailedImages);
