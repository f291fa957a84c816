namespace XaiVision.Worker.Jobs;

/// <summary>
/// When a run must stop and the words that say why. Images not reached by then fail with <see cref="Reason"/>; when the limit is
/// the job's own deadline (<see cref="JobFailure"/> set), passing it fails the whole job instead.
/// </summary>
public sealed record ShardDeadline(DateTimeOffset At, string Reason, string? JobFailure = null)
{
    /// <summary>No limit (the CLI: the user is there to press Ctrl+C).</summary>
    public static ShardDeadline None { get; } = new(DateTimeOffset.MaxValue, "no limit");

    /// <summary>What is left at <paramref name="now"/>, infinite when there is no practical limit (timers take at most ~24 days).</summary>
    public TimeSpan Left(DateTimeOffset now) => At - now is var left && left > TimeSpan.FromDays(20) ? Timeout.InfiniteTimeSpan : left;
}
