namespace XaiVision.Worker.Hosting;

/// <summary>Section <c>Worker</c>: how many shards run at once (one per GPU slot), the device, and the shutdown grace.</summary>
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

    public IEnumerable<string> Problems()
    {
        if (ShardConcurrency is < 1 or > 64) yield return "Worker:ShardConcurrency must be 1–64.";
        if (BatchSize is < 1 or > 1024) yield return "Worker:BatchSize must be 1–1024.";
        if (ShutdownGraceSeconds is < 1 or > 3600) yield return "Worker:ShutdownGraceSeconds must be 1–3600.";
        if (MaxImagesPerJob < 1) yield return "Worker:MaxImagesPerJob must be positive.";
    }
}
