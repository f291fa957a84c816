using XaiVision.Contracts;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// What <c>job.json</c> holds: the job id, the spec, how many images in how many shards, the deadline — not the image names (at a
/// million images those made a 100 MB blob): <see cref="JobPlanner.ShardsAsync"/> cuts the same shards again from the same listing
/// or manifest, in the same order, whenever they are sent.
/// </summary>
public sealed record JobPlan(Guid JobId, AuditJobSpec Spec, int ShardCount, int Images, DateTimeOffset? Deadline = null);
