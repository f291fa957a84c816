using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XaiVision.Worker.Configuration;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// Every job ends: every <c>Jobs:DeadlineCheckSeconds</c> each worker looks at the open jobs (<c>open/</c> in the jobs
/// container: only the running ones) and fails those past their deadline — a shard that hangs, a worker that keeps
/// dying, a job whose messages were lost. Several workers may look at once; <see cref="JobEnd.FailAsync"/> fails a job once.
/// </summary>
public sealed class JobDeadlineWatch(JobStore store, IBus bus, JobEnd jobEnd, IOptions<JobsOptions> jobs, TimeProvider clock, ILogger<JobDeadlineWatch> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(jobs.Value.DeadlineCheckSeconds), clock);
        do
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning("Deadline check skipped: {Reason}", e.Message); // storage down: the next tick tries again
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass over the open jobs; returns how many it failed.</summary>
    public async Task<int> CheckAsync(CancellationToken ct)
    {
        int failed = 0;
        foreach (var job in await store.ReadOpenJobsAsync(ct))
        {
            if (clock.GetUtcNow() <= job.Deadline) continue;
            if (await jobEnd.HasEndedAsync(job.Location, ct))
            {
                await jobEnd.CloseAsync(job.JobId, ct);
                continue;
            }
            int done = await store.CountDoneShardsAsync(job.Location, ct);
            if (await jobEnd.FailAsync(bus, job.JobId, job.Location,
                    $"The job passed its deadline ({job.Deadline:u}) with {done}/{job.Shards} shards done (Jobs:MaxJobMinutes, or the spec's maxMinutes).", ct))
                failed++;
        }
        return failed;
    }
}
