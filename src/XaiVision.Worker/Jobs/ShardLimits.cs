using XaiVision.Engine.Imaging;
using XaiVision.Engine.Memory;

namespace XaiVision.Worker.Jobs;

/// <summary>How a run batches and what it refuses: images per batch, decode limits, prefetching, and the optional memory cap per batch.</summary>
public sealed record ShardLimits(int BatchSize, DecodeLimits Decode, bool Prefetch = false, MemoryBudget? Budget = null);
