using MassTransit;
using Microsoft.Extensions.Logging;
using XaiVision.Contracts;
using XaiVision.Engine.Reports;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// Aggregates: each finished shard sets its bit in the job's completion tally (<see cref="JobCompletion"/>, no listing); the one that
/// completes it holds the aggregation lease and writes <c>images.csv</c> and <c>report.html</c>, then creates <c>report.json</c> if
/// absent, announces, and releases the lease. Only the holder of the lease aggregates or announces, so racing or redelivered
/// <see cref="ShardCompleted"/> events aggregate and report once; a duplicate that finds another worker aggregating waits for it
/// (<see cref="AggregationBusyException"/>, retried by the consumer's definition) and takes over if that worker's lease runs out.
/// After publishing it creates <c>announced.json</c>; a worker that died between the report and the event leaves a
/// report without it, and the redelivered <see cref="ShardCompleted"/> announces the job then — nothing is lost.
/// A job that already failed (deadline, model) is left alone; a job in which no image could be explained fails.
/// </summary>
public sealed class JobAggregation(JobStore jobs, JobEnd jobEnd, JobCompletion completion, TimeProvider clock, ILogger<JobAggregation> log)
{
    /// <param name="owner">Who aggregates if this shard completes the job: a retry or redelivery of the same event is the same owner.</param>
    public async Task ShardCompletedAsync(IPublishEndpoint publish, ShardCompleted message, string owner, CancellationToken ct)
    {
        var location = message.Spec.Location();
        if (await jobs.HasReportAsync(location, ct) && await jobs.IsAnnouncedAsync(location, ct)) return; // a late duplicate
        if (await jobEnd.HasFailedAsync(location, ct)) return;
        switch (await completion.RecordAsync(location, message.ShardIndex, message.ShardCount, owner, ct))
        {
            case JobCompletion.Verdict.Waiting:
                return;
            case JobCompletion.Verdict.Busy:
                throw new AggregationBusyException($"Job {message.JobId} is being aggregated by another worker.");
        }
        using var lease = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var keepAlive = completion.KeepAliveAsync(location, owner, lease.Token);
        try
        {
            if (await jobs.HasReportAsync(location, ct))
            {
                if (await jobs.IsAnnouncedAsync(location, ct)) return;
                var written = (await jobs.ReadReportAsync(location, ct))!;
                log.LogWarning("Job {JobId}: report found without its announcement (a worker stopped in between); announcing it now", message.JobId);
                await AnnounceAsync(publish, message.JobId, location, written, ct);
                return;
            }
            if (await AggregateAsync(publish, message, ct) is { } report) await AnnounceAsync(publish, message.JobId, location, report, ct);
        }
        finally
        {
            await lease.CancelAsync();
            await keepAlive;
            await completion.ReleaseAsync(location, owner);
        }
    }

    /// <summary>The report, written and committed by this call; null when the job failed or another call committed it first.</summary>
    async Task<JobReport?> AggregateAsync(IPublishEndpoint publish, ShardCompleted message, CancellationToken ct)
    {
        var (spec, location) = (message.Spec, message.Spec.Location());
        log.LogInformation("Job {JobId}: all {Shards} shards done; aggregating", message.JobId, message.ShardCount);
        var request = ReportRequestFor(spec);
        var sink = new JobOutputSink(jobs, location);
        int pass = 0;
        void Progress(int read)
        {
            // A million images take a minute or two: say how far each pass has come, every tenth of the shards.
            if (message.ShardCount >= 100 && read % (message.ShardCount / 10) == 0)
                log.LogInformation("Job {JobId}: aggregation pass {Pass}/2, {Read}/{Shards} shards read", message.JobId, pass, read, message.ShardCount);
        }
        var stored = spec.Baseline?.Job is { } baselineJob ? await StoredBaseline.LoadAsync(jobs, Guid.Parse(baselineJob), ct) : null;
        IAsyncEnumerable<ImageRecord> Records()
        {
            pass++;
            var records = ShardResults.ReadAsync(jobs, location, message.ShardCount, Progress, ct);
            return stored is null ? records : records.Select(stored.Compare);
        }
        var history = spec.Series is { } series ? await jobs.ReadHistoryAsync(series, ct) : null;
        var meta = await ShardMetaEvaluation.ReadAsync(jobs, location, message.ShardCount, ct);
        var context = new ReportContext(message.JobId, location.ToString(), history, stored?.Strategies, meta, stored?.Concepts);
        var model = await AuditOutputs.FoldAsync(request, context, await jobs.ReadShardFailuresAsync(location, ct), Records, sink, ct);
        var report = model.Report;
        if (report.FailedImages == report.Images)
        {
            await jobEnd.FailAsync(publish, message.JobId, location, NothingExplained(report), ct);
            return null;
        }
        if (model.Archived) await ReportPictures.ExtractAsync(jobs, location, model.Shown, ct);
        await AuditOutputs.WriteAsync(model, Records, sink, ct);
        // The series entry before the commit point: a rerun after a crash adds it if missing (by job id, never twice).
        if (spec.Series is { } name)
            await jobs.AppendHistoryAsync(name, SeriesRun.Of(message.JobId, clock.GetUtcNow(), location.ToString(), report), ct);
        await jobs.DeleteAttemptMarksAsync(location, ct); // before the commit point: an outage here retries the aggregation
        if (!await jobs.TryCreateReportAsync(location, report, ct)) return null;

        log.LogInformation("Job {JobId} complete: {Images} images, {Failed} failed, gates {Verdict}", message.JobId, report.Images,
            report.FailedImages, report.Gates.Passed ? "passed" : "FAILED");
        return report;
    }

    /// <summary>The report's view of the spec; its metrics compiled by name alone (the spec passed validation, so they compile).</summary>
    static ReportRequest ReportRequestFor(AuditJobSpec spec) => JobCompiler.Compile(spec, architecture: null).Job?.Report
        ?? new ReportRequest(spec.Model.Architecture, spec.Targets, spec.Suite.Seed, [], []);

    /// <summary>Why no image was explained: the commonest reasons with their counts.</summary>
    static string NothingExplained(JobReport report) =>
        $"No image could be explained ({report.FailedImages} failed): " + string.Join("; ", report.Errors.Take(3).Select(e => $"{e.Reason} ({e.Count}×)"));

    async Task AnnounceAsync(IPublishEndpoint publish, Guid jobId, JobLocation location, JobReport report, CancellationToken ct)
    {
        await publish.Publish(new AuditJobCompleted(jobId, location.Url(JobLayout.Report(location)), report.Images, report.FailedImages,
            report.Metrics, report.Gates.Passed, report.Gates.Failures), CancellationToken.None); // said once the report exists, whatever stops
        await jobs.MarkAnnouncedAsync(location, ct);
        await jobEnd.CloseAsync(jobId, ct);
    }
}
