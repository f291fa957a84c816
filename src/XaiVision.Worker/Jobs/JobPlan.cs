using XaiVision.Contracts;

namespace XaiVision.Worker.Jobs;

/// <summary>What <c>job.json</c> holds: the job id, the spec and the shard plan.</summary>
public sealed record JobPlan(Guid JobId, AuditJobSpec Spec, IReadOnlyList<IReadOnlyList<ShardImage>> Shards, DateTimeOffset? Deadline = null)
{
    public int Images => Shards.Sum(s => s.Count);
}

/// <summary>The job index entry (<c>jobs/&lt;id&gt;.json</c> in the jobs container) that lets <c>status</c> find a job.</summary>
public sealed record JobIndexEntry(Guid JobId, string Container, string Prefix, int Shards, int Images);

/// <summary>The open-job entry (<c>open/&lt;id&gt;.json</c> in the jobs container) from planning until the job ends.</summary>
public sealed record OpenJob(Guid JobId, string Container, string Prefix, int Shards, DateTimeOffset Deadline);

/// <summary><c>shard-failures/NNNNN.json</c>: a shard that failed as a whole (engine error, fault after retries, time limit).</summary>
public sealed record ShardFailure(int Shard, string Reason, int Images);
