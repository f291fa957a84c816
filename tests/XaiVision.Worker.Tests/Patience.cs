namespace XaiVision.Worker.Tests;

/// <summary>
/// How long a test waits for something before calling it a hang. These are not speed targets (those live in bench/): on a loaded
/// 2-core machine (a CPU hog beside the suite) the demo model runs several times slower, so the limits are generous, and a test
/// that passes waits only as long as the work takes — every wait ends on the event or state it waits for.
/// </summary>
public static class Patience
{
    /// <summary>A worker process or host starting (bus connected, queues declared).</summary>
    public static readonly TimeSpan Start = TimeSpan.FromMinutes(5);

    /// <summary>A job, a CLI run or a shard from its start to its outcome.</summary>
    public static readonly TimeSpan Job = TimeSpan.FromMinutes(15);
}
