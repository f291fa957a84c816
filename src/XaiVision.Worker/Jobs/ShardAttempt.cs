namespace XaiVision.Worker.Jobs;

/// <summary>The mark a worker leaves while it runs a shard (removed when the attempt returns, whatever its outcome).</summary>
public sealed record ShardAttempt(Guid Id, string Host, int ProcessId, DateTimeOffset Started);
