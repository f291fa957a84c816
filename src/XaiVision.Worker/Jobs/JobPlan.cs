using XaiVision.Contracts;

namespace XaiVision.Worker.Jobs;

/// <summary>What <c>job.json</c> holds: the job id, the spec and the shard plan.</summary>
public sealed record JobPlan(Guid JobId, AuditJobSpec Spec, IReadOnlyList<IReadOnlyList<ShardImage>> Shards, DateTimeOffset? Deadline = null)
{
    public int Images => Shards.Sum(s => s.Count);
}
