using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using XaiVision.Contracts;
using XaiVision.Engine;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Telemetry;

namespace XaiVision.Worker.Consumers;

/// <summary>
/// Runs one shard and announces it (<see cref="ShardCompleted"/>, <see cref="AuditJobProgress"/>). A model that cannot
/// load, or a job past its deadline, fails the job once (<see cref="JobEnd.FailAsync"/>); anything else the engine throws
/// fails this shard (its images become error records with the reason) and the job goes on — no retry for either. A shard
/// whose attempts killed their process too often is failed the same way (<see cref="ShardCrashGuard"/>).
/// </summary>
public sealed class AuditShardConsumer(ShardProcessor processor, JobEnd jobEnd, ShardCrashGuard crashes, TimeProvider clock, ILogger<AuditShardConsumer> log)
    : IConsumer<AuditShard>
{
    public async Task Consume(ConsumeContext<AuditShard> context)
    {
        var (shard, ct) = (context.Message, context.CancellationToken);
        using var scope = log.BeginScope("job {JobId} shard {Shard}", shard.JobId, shard.ShardIndex);
        if (await jobEnd.HasFailedAsync(shard.Spec.Location(), ct)) return;
        if (shard.Deadline is { } deadline && clock.GetUtcNow() > deadline)
        {
            await jobEnd.FailAsync(context, shard.JobId, shard.Spec.Location(),
                $"The job passed its deadline ({deadline:u}) before shard {shard.ShardIndex + 1}/{shard.ShardCount} could start (Jobs:MaxJobMinutes, or the spec's maxMinutes).", ct);
            return;
        }
        if (await crashes.CheckAsync(shard, ct) is { } crashLoop)
        {
            await jobEnd.FailShardAsync(context, shard, crashLoop, ct);
            return;
        }
        await using var attempt = await crashes.BeginAsync(shard, ct);
        using var activity = WorkerTelemetry.Activities.StartActivity("audit shard");
        activity?.SetTag("xaivision.job_id", shard.JobId.ToString());
        activity?.SetTag("xaivision.shard", shard.ShardIndex);
        if (context.SentTime is { } sent) WorkerTelemetry.QueueLagSeconds.Record(Math.Max(0, (DateTime.UtcNow - sent).TotalSeconds));
        var watch = Stopwatch.StartNew();
        log.LogInformation("Shard {Shard}/{Shards} of job {JobId} started ({Images} images)", shard.ShardIndex + 1, shard.ShardCount, shard.JobId, shard.Images.Count);
        ShardProcessor.Outcome outcome;
        try
        {
            outcome = await processor.ProcessAsync(shard, ct);
        }
        catch (XaiVisionException e)
        {
            await jobEnd.FailAsync(context, shard.JobId, shard.Spec.Location(), e.Message, ct);
            return;
        }
        catch (Exception e) when (EngineFaults.IsEngineFault(e, ct))
        {
            await jobEnd.FailShardAsync(context, shard, EngineFaults.Describe(e), ct);
            return;
        }
        if (!outcome.AlreadyDone)
        {
            WorkerTelemetry.ShardSeconds.Record(watch.Elapsed.TotalSeconds);
            WorkerTelemetry.Images.Add(outcome.Images - outcome.Failed);
            WorkerTelemetry.FailedImages.Add(outcome.Failed);
        }
        log.LogInformation("Shard {Shard}/{Shards} of job {JobId}: {Images} images ({Failed} failed) in {Seconds:F1} s{Again}",
            shard.ShardIndex + 1, shard.ShardCount, shard.JobId, outcome.Images, outcome.Failed, watch.Elapsed.TotalSeconds, outcome.AlreadyDone ? " (already done)" : "");
        await context.Publish(new AuditJobProgress(shard.JobId, shard.ShardIndex, shard.ShardCount, outcome.Images, shard.ImagesTotal));
        await context.Publish(new ShardCompleted(shard.JobId, shard.ShardIndex, shard.ShardCount, shard.Spec, outcome.Images, outcome.Failed));
    }
}
