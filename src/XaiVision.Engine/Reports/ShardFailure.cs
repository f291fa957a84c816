namespace XaiVision.Engine.Reports;

/// <summary><c>shard-failures/NNNNN.json</c>: a shard that failed as a whole (engine error, fault after retries, time limit).</summary>
public sealed record ShardFailure(int Shard, string Reason, int Images);
