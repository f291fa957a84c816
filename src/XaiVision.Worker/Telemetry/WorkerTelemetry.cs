using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace XaiVision.Worker.Telemetry;

/// <summary>
/// Our own instruments (meter and activity source <c>XaiVision.Worker</c>): images and failures, shard
/// duration, per-stage durations, queue lag (shard sent → started), process memory and live tensors. TorchSharp 0.107
/// exposes no CUDA memory counter; on GPU nodes scrape NVIDIA's DCGM exporter beside this.
/// </summary>
public static class WorkerTelemetry
{
    public const string Name = "XaiVision.Worker";
    public static readonly ActivitySource Activities = new(Name);
    static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Images = Meter.CreateCounter<long>("xaivision.images", "{image}", "Images audited");
    public static readonly Counter<long> BatchSplits = Meter.CreateCounter<long>("xaivision.batch.splits", "{split}", "Batches split after running out of memory");
    public static readonly Counter<long> FailedImages = Meter.CreateCounter<long>("xaivision.images.failed", "{image}", "Images that could not be audited");
    public static readonly Histogram<double> ShardSeconds = Meter.CreateHistogram<double>("xaivision.shard.duration", "s", "Time to audit a shard");
    public static readonly Histogram<double> StageMilliseconds = Meter.CreateHistogram<double>("xaivision.stage.duration", "ms", "Time per suite stage and batch");
    public static readonly Histogram<double> QueueLagSeconds = Meter.CreateHistogram<double>("xaivision.queue.lag", "s", "Time a shard waited in the queue");

    static WorkerTelemetry()
    {
        Meter.CreateObservableGauge("xaivision.process.memory", () => Process.GetCurrentProcess().WorkingSet64, "By", "Worker resident memory");
        // Tensors not yet disposed: flat over a long run, or something leaks.
        Meter.CreateObservableGauge("xaivision.tensors.live", () => TorchSharp.torch.Tensor.TotalCount, "{tensor}", "Live TorchSharp tensors");
    }
}
