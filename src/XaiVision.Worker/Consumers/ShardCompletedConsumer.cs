using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Logging;
using XaiVision.Contracts;
using XaiVision.Engine.Pipeline;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Consumers;

/// <summary>
/// Aggregates: when every shard result of the job exists, writes <c>images.csv</c> and <c>report.html</c>, then creates
/// <c>report.json</c> if absent. Only the consumer whose create succeeds publishes
/// <see cref="AuditJobCompleted"/>, so racing or redelivered <see cref="ShardCompleted"/> events report once.
/// After publishing it creates <c>announced.json</c>; a worker that died between the report and the event leaves a
/// report without it, and the redelivered <see cref="ShardCompleted"/> announces the job then — nothing is lost.
/// A job that already failed (deadline, model) is left alone; a job in which no image could be explained fails.
/// </summary>
public sealed class ShardCompletedConsumer(IBlobStore store, JobEnd jobEnd, ILogger<ShardCompletedConsumer> log) : IConsumer<ShardCompleted>
{
    public async Task Consume(ConsumeContext<ShardCompleted> context)
    {
        var (message, spec, ct) = (context.Message, context.Message.Spec, context.CancellationToken);
        var container = spec.Output.Container;
        if (await store.ExistsAsync(container, JobLayout.Report(spec), ct))
        {
            if (await store.ExistsAsync(container, JobLayout.Announced(spec), ct)) return;
            var written = JsonSerializer.Deserialize<JobReport>((await store.ReadAsync(container, JobLayout.Report(spec), ct))!, ExplainRunner.Json)!;
            log.LogWarning("Job {JobId}: report found without its announcement (a worker stopped in between); announcing it now", message.JobId);
            await AnnounceAsync(context, written);
            return;
        }
        if (await jobEnd.HasFailedAsync(spec, ct)) return;
        var shards = (await store.ListAsync(container, JobLayout.ShardsPrefix(spec), ct)).Where(n => n.EndsWith(".json")).ToList();
        if (shards.Count < message.ShardCount) return;

        var records = new List<ImageRecord>();
        foreach (var name in shards)
            records.AddRange(JsonSerializer.Deserialize<List<ImageRecord>>(await store.ReadAsync(container, name, ct) ?? [], ExplainRunner.Json) ?? []);
        records = records.OrderBy(r => r.Image, StringComparer.Ordinal).ToList();
        var failedShards = new List<ShardFailure>();
        foreach (var name in (await store.ListAsync(container, JobLayout.ShardFailuresPrefix(spec), ct)).Where(n => n.EndsWith(".json")).Order(StringComparer.Ordinal))
            failedShards.Add(JsonSerializer.Deserialize<ShardFailure>(await store.ReadAsync(container, name, ct) ?? [], ExplainRunner.Json)!);
        if (records.All(r => r.Error is not null))
        {
            await jobEnd.FailAsync(context, message.JobId, container, spec.Output.Prefix, NothingExplained(records), ct);
            return;
        }
        var report = ReportBuilder.Build(spec, records, failedShards);
        await store.WriteAsync(container, JobLayout.Csv(spec), Encoding.UTF8.GetBytes(ImagesCsv.Build(records)), "text/csv", ct);
        await store.WriteAsync(container, JobLayout.Html(spec), Encoding.UTF8.GetBytes(ReportHtml.Build(report, records)), "text/html", ct);
        var json = JsonSerializer.SerializeToUtf8Bytes(report, ExplainRunner.Json);
        if (!await store.TryCreateAsync(container, JobLayout.Report(spec), json, "application/json", ct)) return;

        log.LogInformation("Job {JobId} complete: {Images} images, {Failed} failed, gates {Verdict}", message.JobId, report.Images, report.FailedImages,
            report.Gates.Passed ? "passed" : "FAILED");
        await AnnounceAsync(context, report);
    }

    /// <summary>Why no image was explained: the commonest reasons with their counts.</summary>
    static string NothingExplained(IReadOnlyList<ImageRecord> records) =>
        $"No image could be explained ({records.Count} failed): " + string.Join("; ", records.GroupBy(r => r.Error!).OrderByDescending(g => g.Count()).Take(3)
            .Select(g => $"{g.Key} ({g.Count()}×)"));

    async Task AnnounceAsync(ConsumeContext<ShardCompleted> context, JobReport report)
    {
        var (message, spec) = (context.Message, context.Message.Spec);
        await context.Publish(new AuditJobCompleted(message.JobId, $"{spec.Output.Container}/{JobLayout.Report(spec)}", report.Images, report.FailedImages,
            report.Metrics, report.Gates.Passed, report.Gates.Failures));
        await store.TryCreateAsync(spec.Output.Container, JobLayout.Announced(spec), "{\"announced\":true}"u8.ToArray(), "application/json", context.CancellationToken);
        await jobEnd.CloseAsync(message.JobId, context.CancellationToken);
    }
}
