using XaiVision.Engine.Imaging;

namespace XaiVision.Worker.Configuration;

/// <summary>Section <c>Worker</c>: how many shards run at once (one per GPU slot), the device, the shutdown grace, and the per-image and per-job limits.</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";
    public int ShardConcurrency { get; set; } = 1;
    public string Device { get; set; } = "cpu";
    public string? LibTorchDir { get; set; }
    /// <summary>Images per forward/backward batch inside a shard.</summary>
    public int BatchSize { get; set; } = 8;
    /// <summary>On SIGTERM, how long the current shard may take to finish before it is abandoned (and redelivered).</summary>
    public int ShutdownGraceSeconds { get; set; } = 60;
    public string ModelCacheDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "xaivision-models");
    public long MaxImagesPerJob { get; set; } = 1_000_000;
    public int MaxShardsPerJob { get; set; } = 100_000;
    /// <summary>A manifest over this size is refused before it is read (a job's manifest is read whole when it is planned).</summary>
    public long MaxManifestBytes { get; set; } = 1L << 30;
    /// <summary>Per image: an image blob over this size is refused before it is downloaded.</summary>
    public long MaxImageBytes { get; set; } = DecodeLimits.Default.MaxBytes;
    /// <summary>Per image: declared width × height above this is refused before decoding (decompression bombs).</summary>
    public long MaxImagePixels { get; set; } = DecodeLimits.Default.MaxPixels;
    /// <summary>Per image: a shard gets this many seconds per image; images not reached in time become error records.</summary>
    public int MaxSecondsPerImage { get; set; } = 600;
    /// <summary>
    /// Per shard: a cap on the time above, below RabbitMQ's consumer timeout (30 min by default), so a shard that hangs is
    /// recorded as failed by the worker instead of being redelivered by the broker over and over.
    /// </summary>
    public int MaxShardSeconds { get; set; } = 1500;
    /// <summary>Largest model input side a job may ask for (memory grows with its square).</summary>
    public int MaxInputSize { get; set; } = 1024;
    /// <summary>
    /// Optional cap (MiB) on the estimated memory of one batch (activations × 2 for the backward pass); a batch over it
    /// is split like one that ran out of device memory. 0 = no cap (real out-of-memory still splits).
    /// </summary>
    public double MemoryBudgetMiB { get; set; }
    /// <summary>
    /// Download and decode the next batch while this one computes. Off by default: on the 2-core CPU machine it made no
    /// measurable difference (load run, 1000 demo images, fresh services: 33.4 / 33.6 images/s off, 33.9 / 33.0 on) — decode
    /// is cheap next to CPU compute. Meant for GPU workers, where compute is fast and the CPU would otherwise idle.
    /// </summary>
    public bool PrefetchNextBatch { get; set; }

    public DecodeLimits DecodeLimits => new(MaxImagePixels, MaxImageBytes);

    public IEnumerable<string> Problems()
    {
        if (ShardConcurrency is < 1 or > 64) yield return "Worker:ShardConcurrency must be 1–64.";
        if (BatchSize is < 1 or > 1024) yield return "Worker:BatchSize must be 1–1024.";
        if (ShutdownGraceSeconds is < 1 or > 3600) yield return "Worker:ShutdownGraceSeconds must be 1–3600.";
        if (MaxImagesPerJob < 1) yield return "Worker:MaxImagesPerJob must be positive.";
        if (MaxShardsPerJob < 1) yield return "Worker:MaxShardsPerJob must be positive.";
        if (MaxImageBytes < 1) yield return "Worker:MaxImageBytes must be positive.";
        if (MaxManifestBytes is < 1 or > int.MaxValue) yield return "Worker:MaxManifestBytes must be 1–2147483647 (a manifest is read whole).";
        if (MaxImagePixels < 1) yield return "Worker:MaxImagePixels must be positive.";
        if (MaxSecondsPerImage is < 1 or > 86_400) yield return "Worker:MaxSecondsPerImage must be 1–86400.";
        if (MaxShardSeconds is < 1 or > 86_400) yield return "Worker:MaxShardSeconds must be 1–86400.";
        if (MaxInputSize is < 16 or > Engine.Models.ModelLoader.MaxInputSize) yield return $"Worker:MaxInputSize must be 16–{Engine.Models.ModelLoader.MaxInputSize}.";
        if (MemoryBudgetMiB < 0) yield return "Worker:MemoryBudgetMiB must be 0 (no cap) or positive.";
    }
}
