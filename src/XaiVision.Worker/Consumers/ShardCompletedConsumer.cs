using MassTransit;
using Microsoft.Extensions.Logging;
using XaiVision.Contracts;
using XaiVision.Engine.Reports;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Consumers;

/// <summary>
/// Aggregates: when every shard result of the job exists, writes <c>images.csv</c> and <c>report.html</c>, then creates
/// <c>report.json</c> if absent. Only the consumer whose create succeeds publishes
/// <see cref="AuditJobCompleted"/>, so racing or redelivered <see cref="ShardCompleted"/> events report once.
/// After publishing it creates <c>announced.json</c>; a worker that died between the report and the event leaves a
/// report without it, and the redelivered <see cref="ShardCompleted"/> announces the job then — nothing is lost.
/// A job that already failed (deadline, model) is left alone; a job in which no image could be explained fails.
/// </summary>
public sealed class ShardCompletedConsumer(JobStore jobs, JobEnd jobEnd, ILogger<ShardCompletedConsumer> log) : IConsumer<ShardCompleted>
{
    public async Task Consume(ConsumeContext<ShardCompleted> context)
    {
        var (message, spec, ct) = (context.Message, context.Message.Spec, context.CancellationToken);
        if (await jobs.HasReportAsync(spec, ct))
        {
            if (await jobs.IsAnnouncedAsync(spec, ct)) return;
            var written = (await jobs.ReadReportAsync(spec.Output.Container, spec.Output.Prefix, ct))!;
            log.LogWarning("Job {JobId}: report found without its announcement (a worker stopped in between); announcing it now", message.JobId);
            await AnnounceAsync(context, written);
            return;
        }
        if (await jobEnd.HasFailedAsync(spec, ct)) return;
        if (await jobs.CountDoneShardsAsync(spec.Output.Container, spec.Output.Prefix, ct) < message.ShardCount) return;

        var records = await jobs.ReadRecordsAsync(spec, ct);
        if (records.All(r => r.Error is not null))
        {
            await jobEnd.FailAsync(context, message.JobId, spec.Output.Container, spec.Output.Prefix, NothingExplained(records), ct);
            return;
        }
        var outputs = AuditOutputs.Build(ReportRequestFor(spec), records, await jobs.ReadShardFailuresAsync(spec, ct));
        if (!await jobs.TryCreateReportAsync(spec, outputs, ct)) return;

        log.LogInformation("Job {JobId} complete: {Images} images, {Failed} failed, gates {Verdict}", message.JobId, outputs.Report.Images,
            outputs.Report.FailedImages, outputs.Report.Gates.Passed ? "passed" : "FAILED");
        await AnnounceAsync(context, outputs.Report);
    }

    /// <summary>The report's view of the spec; its metrics compiled by name alone (the spec passed validation, so they compile).</summary>
    static ReportRequest ReportRequestFor(AuditJobSpec spec) => JobCompiler.Compile(spec, architecture: null).Job?.Report
        ?? new ReportRequest(spec.Model.Architecture, spec.Targets, spec.Suite.Seed, [], []);

    /// <summary>Why no image was explained: the commonest reasons with their counts.</summary>
    static string NothingExplained(IReadOnlyList<ImageRecord> records) =>
        $"No image could be explained ({records.Count} failed): " + string.Join("; ", records.GroupBy(r => r.Error!).OrderByDescending(g => g.Count()).Take(3)
            .Select(g => $"{g.Key} ({g.Count()}×)"));

    async Task AnnounceAsync(ConsumeContext<ShardCompleted> context, JobReport report)
    {
        var (message, spec) = (context.Message, context.Message.Spec);
        await context.Publish(new AuditJobCompleted(message.JobId, $"{spec.Output.Container}/{JobLayout.Report(spec)}", report.Images, report.FailedImages,
            report.Metrics, report.Gates.Passed, report.Gates.Failures));
        await jobs.MarkAnnouncedAsync(spec, context.CancellationToken);
        await jobEnd.CloseAsync(message.JobId, context.CancellationToken);
    }
}
