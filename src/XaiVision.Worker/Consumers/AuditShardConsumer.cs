using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Logging;
using XaiVision.Contracts;
using XaiVision.Engine;
using XaiVision.Engine.Pipeline;
using XaiVision.Worker.Hosting;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Consumers;

/// <summary>
/// Runs one shard and announces it (<see cref="ShardCompleted"/>, <see cref="AuditJobProgress"/>).
/// A model that cannot load fails the job once (<c>failed.json</c> is created by exactly one shard,
/// which publishes <see cref="AuditJobFailed"/>); no retry for bad input.
/// </summary>
public sealed class AuditShardConsumer(ShardProcessor processor, IBlobStore store, ILogger<AuditShardConsumer> log) : IConsumer<AuditShard>
{
    public async Task Consume(ConsumeContext<AuditShard> context)
    {
        var shard = context.Message;
        using var scope = log.BeginScope("job {JobId} shard {Shard}", shard.JobId, shard.ShardIndex);
        if (await store.ExistsAsync(shard.Spec.Output.Container, JobLayout.Failed(shard.Spec), context.CancellationToken)) return;
        using var activity = WorkerTelemetry.Activities.StartActivity("audit shard");
        activity?.SetTag("xaivision.job_id", shard.JobId.ToString());
        activity?.SetTag("xaivision.shard", shard.ShardIndex);
        if (context.SentTime is { } sent) WorkerTelemetry.QueueLagSeconds.Record(Math.Max(0, (DateTime.UtcNow - sent).TotalSeconds));
        var watch = Stopwatch.StartNew();
        log.LogInformation("Shard {Shard}/{Shards} of job {JobId} started ({Images} images)", shard.ShardIndex + 1, shard.ShardCount, shard.JobId, shard.Images.Count);
        ShardProcessor.Outcome outcome;
        try
        {
            outcome = await processor.ProcessAsync(shard, context.CancellationToken);
        }
        catch (XaiVisionException e)
        {
            var failure = JsonSerializer.SerializeToUtf8Bytes(new { jobId = shard.JobId, reason = e.Message }, ExplainRunner.Json);
            bool first;
            try
            {
                first = await store.TryCreateAsync(shard.Spec.Output.Container, JobLayout.Failed(shard.Spec), failure, "application/json", context.CancellationToken);
            }
            catch (StorageAccessException)
            {
                first = true; // the output cannot be written at all: say so (possibly once per shard) rather than not at all
            }
            if (first)
            {
                log.LogError("Job {JobId} failed: {Reason}", shard.JobId, e.Message);
                await context.Publish(new AuditJobFailed(shard.JobId, e.Message));
            }
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
