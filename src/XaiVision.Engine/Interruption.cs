using System.Diagnostics;

namespace XaiVision.Engine;

/// <summary>
/// The stop signal and time limit of the run on this call path, reaching inside a stage: every forward pass of an
/// <see cref="Models.ExplainableModel"/> checks the signal, so a cancelled run (SIGTERM, a shard's limit, a job's deadline) stops
/// within one forward even in a method that makes thousands of them; and a method that knows how many passes it still needs can
/// refuse at once, with its estimate, when they cannot end in the time left (<see cref="CheckPace"/>). Ambient (an
/// <see cref="AsyncLocal{T}"/>) because the explainers' and metrics' signatures carry no token; outside a scope nothing is checked.
/// </summary>
public static class Interruption
{
    sealed record Limits(CancellationToken Token, long? UntilTimestamp);

    static readonly AsyncLocal<Limits?> Current = new();

    /// <summary>How far past the time left a projection must reach before a method gives up (the first passes include warm-up).</summary>
    public const double PaceMargin = 2.0;

    /// <summary>Sets the signal and the time left for the work done until the scope is disposed.</summary>
    public static IDisposable Enter(CancellationToken token, TimeSpan? timeLeft = null)
    {
        var previous = Current.Value;
        long? until = timeLeft is { } left && left != Timeout.InfiniteTimeSpan
            ? Stopwatch.GetTimestamp() + (long)(Math.Min(left.TotalSeconds, TimeSpan.FromDays(365).TotalSeconds) * Stopwatch.Frequency)
            : null;
        Current.Value = new Limits(token, until);
        return new Restore(previous);
    }

    public static void ThrowIfStopped() => Current.Value?.Token.ThrowIfCancellationRequested();

    /// <summary>Time left to the run on this path (null: no limit).</summary>
    public static TimeSpan? TimeLeft => Current.Value?.UntilTimestamp is { } until
        ? TimeSpan.FromSeconds(Math.Max(0, until - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency)
        : null;

    /// <summary>
    /// After <paramref name="done"/> of <paramref name="total"/> passes took <paramref name="elapsed"/>, refuses (a
    /// <see cref="XaiVisionException"/> naming the work and the estimate) when the rest would take more than
    /// <see cref="PaceMargin"/> × the time left; judged once the passes so far took a second (or a tenth of the time left).
    /// </summary>
    public static void CheckPace(string work, long done, long total, TimeSpan elapsed)
    {
        ThrowIfStopped();
        if (TimeLeft is not { } left || done <= 0 || done >= total) return;
        if (elapsed < TimeSpan.FromTicks(Math.Min(TimeSpan.TicksPerSecond, left.Ticks / 10))) return; // too little seen to judge the pace
        var rest = TimeSpan.FromSeconds(elapsed.TotalSeconds / done * (total - done));
        if (rest.TotalSeconds > PaceMargin * left.TotalSeconds)
            throw new XaiVisionException($"{work} would take about {Words(elapsed + rest)} ({total:N0} forward passes at the pace of the first " +
                $"{done:N0}), and only {Words(left)} is left of the time limit; ask for fewer passes.");
    }

    static string Words(TimeSpan t) => t.TotalHours >= 1 ? $"{t.TotalHours:F1} h" : t.TotalMinutes >= 1 ? $"{t.TotalMinutes:F1} min" : $"{t.TotalSeconds:F1} s";

    sealed class Restore(Limits? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
