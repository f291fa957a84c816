using MassTransit;
using Microsoft.Extensions.Logging;
using XaiVision.Contracts;
using XaiVision.Engine.Reports;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Consumers;

/// <summary>
/// Aggregates: each event sets its shard's bit in the job's completion tally (<see cref="JobCompletion"/>, no listing); the one that
/// completes it holds the aggregation lease and writes <c>images.csv</c> and <c>report.html</c>, then creates <c>report.json</c> if
/// absent, announces, and releases the lease. Only the holder of the lease aggregates or announces, so racing or redelivered
/// <see cref="ShardCompleted"/> events aggregate and report once; a duplicate that finds another worker aggregating waits for it
/// (<see cref="AggregationBusyException"/>, retried by the definition) and takes over if that worker's lease runs out.
/// After publishing it creates <c>announced.json</c>; a worker that died between the report and the event leaves a
/// report without it, and the redelivered <see cref="ShardCompleted"/> announces the job then — nothing is lost.
/// A job that already failed (deadline, model) is left alone; a job in which no image could be explained fails.
/// </summary>
public sealed class ShardCompletedConsumer(IBlobStore store, JobStore jobs, JobEnd jobEnd, JobCompletion completion, TimeProvider clock,
    ILogger<ShardCompletedConsumer> log) : IConsumer<ShardCompleted>
{
    public async Task Consume(ConsumeContext<ShardCompleted> context)
    {
        var (message, spec, ct) = (context.Message, context.Message.Spec, context.CancellationToken);
        if (await jobs.HasReportAsync(spec, ct) && await jobs.IsAnnouncedAsync(spec, ct)) return; // a late duplicate
        if (await jobEnd.HasFailedAsync(spec, ct)) return;
        var owner = (context.MessageId ?? Guid.NewGuid()).ToString("N"); // a retry or redelivery of this event is the same owner
        switch (await completion.RecordAsync(spec, message.ShardIndex, message.ShardCount, owner, ct))
        {
            case JobCompletion.Verdict.Waiting:
                return;
            case JobCompletion.Verdict.Busy:
                throw new AggregationBusyException($"Job {message.JobId} is being aggregated by another worker.");
        }
        using var lease = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var keepAlive = completion.KeepAliveAsync(spec, owner, lease.Token);
        try
        {
            if (await jobs.HasReportAsync(spec, ct))
            {
                if (await jobs.IsAnnouncedAsync(spec, ct)) return;
                var written = (await jobs.ReadReportAsync(spec.Output.Container, spec.Output.Prefix, ct))!;
                log.LogWarning("Job {JobId}: report found without its announcement (a worker stopped in between); announcing it now", message.JobId);
                await AnnounceAsync(context, written);
                return;
            }
            await AggregateAsync(context);
        }
        finally
        {
            await lease.CancelAsync();
            await keepAlive;
            await completion.ReleaseAsync(spec, owner);
        }
    }

    async Task AggregateAsync(ConsumeContext<ShardCompleted> context)
    {
        var (message, spec, ct) = (context.Message, context.Message.Spec, context.CancellationToken);
        log.LogInformation("Job {JobId}: all {Shards} shards done; aggregating", message.JobId, message.ShardCount);
        var request = ReportRequestFor(spec);
        var sink = new JobOutputSink(store, spec);
        int pass = 0;
        void Progress(int read)
        {
            // A million images take a minute or two: say how far each pass has come, every tenth of the shards.
            if (message.ShardCount >= 100 && read % (message.ShardCount / 10) == 0)
                log.LogInformation("Job {JobId}: aggregation pass {Pass}/2, {Read}/{Shards} shards read", message.JobId, pass, read, message.ShardCount);
        }
        var stored = spec.Baseline?.Job is { } baselineJob ? await StoredBaseline.LoadAsync(store, jobs, Guid.Parse(baselineJob), ct) : null;
        IAsyncEnumerable<ImageRecord> Records()
        {
            pass++;
            var records = ShardResults.ReadAsync(store, spec, message.ShardCount, Progress, ct);
            return stored is null ? records : records.Select(stored.Compare);
        }
        var digest = await AuditOutputs.FoldAsync(request, Records, sink, ct);
        if (stored is not null) digest.BaselineStrategies = stored.Strategies;
        if (digest.Failed == digest.Images)
        {
            await jobEnd.FailAsync(context, message.JobId, spec.Output.Container, spec.Output.Prefix, NothingExplained(digest), ct);
            return;
        }
        if (digest.Archived > 0) await ReportPictures.ExtractAsync(store, jobs, spec, digest, ct);
        (digest.JobId, digest.Location) = (message.JobId, $"{spec.Output.Container}/{spec.Output.Prefix}");
        if (spec.Series is { } series) digest.History = await jobs.ReadHistoryAsync(series, ct);
        var report = await AuditOutputs.WriteAsync(digest, Records, await jobs.ReadShardFailuresAsync(spec, ct), sink, ct);
        // The series entry before the commit point: a rerun after a crash adds it if missing (by job id, never twice).
        if (spec.Series is { } name)
            await jobs.AppendHistoryAsync(name, SeriesRun.Of(message.JobId, clock.GetUtcNow(), $"{spec.Output.Container}/{spec.Output.Prefix}", report), ct);
        if (!await jobs.TryCreateReportAsync(spec, report, ct)) return;

        log.LogInformation("Job {JobId} complete: {Images} images, {Failed} failed, gates {Verdict}", message.JobId, report.Images,
            report.FailedImages, report.Gates.Passed ? "passed" : "FAILED");
        await AnnounceAsync(context, report);
    }

    /// <summary>The report's view of the spec; its metrics compiled by name alone (the spec passed validation, so they compile).</summary>
    static ReportRequest ReportRequestFor(AuditJobSpec spec) => JobCompiler.Compile(spec, architecture: null).Job?.Report
        ?? new ReportRequest(spec.Model.Architecture, spec.Targets, spec.Suite.Seed, [], []);

    /// <summary>Why no image was explained: the commonest reasons with their counts.</summary>
    static string NothingExplained(ReportAccumulator digest) =>
        $"No image could be explained ({digest.Failed} failed): " + string.Join("; ", digest.Errors.Summaries().Take(3).Select(e => $"{e.Reason} ({e.Count}×)"));

    async Task AnnounceAsync(ConsumeContext<ShardCompleted> context, JobReport report)
    {
        var (message, spec) = (context.Message, context.Message.Spec);
        await context.Publish(new AuditJobCompleted(message.JobId, $"{spec.Output.Container}/{JobLayout.Report(spec)}", report.Images, report.FailedImages,
            report.Metrics, report.Gates.Passed, report.Gates.Failures));
        await jobs.MarkAnnouncedAsync(spec, context.CancellationToken);
        await jobEnd.CloseAsync(message.JobId, context.CancellationToken);
    }
}
