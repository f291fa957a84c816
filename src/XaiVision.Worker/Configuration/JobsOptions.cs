namespace XaiVision.Worker.Configuration;

/// <summary>
/// Section <c>Jobs</c>: every job ends. A job not finished <see cref="MaxJobMinutes"/> after it was planned (or its spec's
/// shorter <c>maxMinutes</c>) is failed by whichever worker's deadline check sees it first; the check runs every
/// <see cref="DeadlineCheckSeconds"/> over the open jobs only.
/// </summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";
    /// <summary>Minutes (fractions allowed) from planning until an unfinished job fails.</summary>
    public double MaxJobMinutes { get; set; } = 24 * 60;

    /// <summary>The longest any job may run, a week: the bound of both this setting and a spec's own <c>maxMinutes</c>.</summary>
    public const int LongestJobMinutes = 7 * 24 * 60;
    public int DeadlineCheckSeconds { get; set; } = 30;
    /// <summary>
    /// How long an aggregating worker holds a job (renewed every third of it while it works); a duplicate completion waits this long at
    /// most before taking over from a worker that died.
    /// </summary>
    public int AggregationLeaseSeconds { get; set; } = 120;

    /// <summary>
    /// How many times a shard may take its worker process down (a native crash, the OOM killer) before it is failed with that
    /// reason instead of being run again: a poison shard never crash-loops the fleet.
    /// </summary>
    public int ShardCrashLimit { get; set; } = 2;

    public TimeSpan MaxJobTime => TimeSpan.FromMinutes(MaxJobMinutes);

    public IEnumerable<string> Problems()
    {
        if (MaxJobMinutes is < 0.05 or > LongestJobMinutes) yield return "Jobs:MaxJobMinutes must be 0.05–10080 (a week).";
        if (DeadlineCheckSeconds is < 1 or > 3600) yield return "Jobs:DeadlineCheckSeconds must be 1–3600.";
        if (AggregationLeaseSeconds is < 3 or > 3600) yield return "Jobs:AggregationLeaseSeconds must be 3–3600.";
        if (ShardCrashLimit is < 1 or > 100) yield return "Jobs:ShardCrashLimit must be 1–100.";
    }
}
