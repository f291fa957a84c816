namespace XaiVision.Contracts;

/// <summary>Command: audit one shard of a job (a few dozen images at most), before the job's deadline (null: none).</summary>
public sealed record AuditShard(Guid JobId, int ShardIndex, int ShardCount, AuditJobSpec Spec, IReadOnlyList<ShardImage> Images, int ImagesTotal,
    DateTimeOffset? Deadline = null);
