using System.Diagnostics;
using Microsoft.Extensions.Options;
using XaiVision.Contracts;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// Stops a shard that kills its worker process from being run for ever. Each attempt marks the store before it runs and removes
/// its mark when it returns — with a result, an engine fault or a cancellation alike — so a mark that outlives its attempt means
/// the process died inside it (a native crash such as oneDNN's SIGFPE, the OOM killer, a lost node). A redelivered shard with
/// <see cref="JobsOptions.ShardCrashLimit"/> such marks is not run again: the caller fails it with <see cref="Check"/>'s reason,
/// through the same path as any failed shard, so its images are listed as failed and the job ends (its reason names the deaths).
/// A shard that completes removes the marks of the attempts that died before it; the job's aggregation removes any left (a removal
/// an outage prevented).
/// </summary>
public sealed class ShardCrashGuard(JobStore jobs, IOptions<JobsOptions> options, TimeProvider clock)
{
    /// <summary>Set only by tests: the worker process kills itself (SIGKILL) when it starts this shard index, as a native crash would.</summary>
    public const string TestCrashVariable = "XAIVISION_TEST_CRASH_ON_SHARD";

    /// <summary>Why the shard must not run again, or null when it may.</summary>
    public async Task<string?> CheckAsync(AuditShard shard, CancellationToken ct)
    {
        if (await jobs.ShardDoneAsync(shard.Spec.Location(), shard.ShardIndex, ct)) return null; // redelivered after it finished: nothing runs
        var died = await jobs.ReadShardAttemptsAsync(shard.Spec.Location(), shard.ShardIndex, ct);
        if (died.Count < options.Value.ShardCrashLimit) return null;
        var last = died.MaxBy(a => a.Started)!;
        return $"The worker process died {died.Count} times while running this shard (last on {last.Host}, started {last.Started:u}): " +
               "a native crash or the memory limit; not run again (Jobs:ShardCrashLimit).";
    }

    /// <summary>Marks an attempt at the shard; disposing the mark (when the attempt returns) removes it.</summary>
    public async Task<IAsyncDisposable> BeginAsync(AuditShard shard, CancellationToken ct)
    {
        var attempt = new ShardAttempt(Guid.NewGuid(), Environment.MachineName, Environment.ProcessId, clock.GetUtcNow());
        await jobs.TryCreateShardAttemptAsync(shard.Spec.Location(), shard.ShardIndex, attempt, ct);
        if (Environment.GetEnvironmentVariable(TestCrashVariable) == shard.ShardIndex.ToString()) Process.GetCurrentProcess().Kill();
        return new Mark(async () =>
        {
            try
            {
                if (await jobs.ShardDoneAsync(shard.Spec.Location(), shard.ShardIndex, CancellationToken.None)) // done: its own mark and the dead attempts' go
                    await jobs.DeleteShardAttemptsAsync(shard.Spec.Location(), shard.ShardIndex, CancellationToken.None);
                else
                    await jobs.DeleteShardAttemptAsync(shard.Spec.Location(), shard.ShardIndex, attempt, CancellationToken.None);
            }
            catch (Exception e) when (e is StorageAccessException or StorageUnavailableException)
            {
                // A mark left behind counts as one death of the limit's several; the attempt's own outcome stands.
            }
        });
    }

    sealed class Mark(Func<Task> remove) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await remove();
    }
}
