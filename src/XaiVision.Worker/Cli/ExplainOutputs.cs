using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using XaiVision.Engine.Models;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Suites;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Cli;

/// <summary>
/// Runs <c>explain</c>'s images through the <see cref="ShardRunner"/> and writes what it always wrote — per-image folders with
/// maps and <c>records.json</c>, and <c>summary.json</c> — plus the job's report files (<c>report.html</c>, <c>report.json</c>,
/// <c>images.csv</c>, <c>browser.html</c>), all from the one path's records.
/// </summary>
public static class ExplainOutputs
{
    public static async Task<ExplainSummary> RunAsync(ShardWork work, IReadOnlyList<AuditImage> images, CompiledJob job, ExplainableModel model,
        string outputDirectory, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var result = await new ShardRunner(NullLogger<ShardRunner>.Instance, TimeProvider.System).RunAsync(work, images, ShardDeadline.None, new ConsoleProgress(), ct);
        foreach (var record in result.Records.Where(r => r.Error is null))
        {
            Directory.CreateDirectory(Path.Combine(outputDirectory, record.Name));
            await File.WriteAllTextAsync(Path.Combine(outputDirectory, record.Name, "records.json"), JsonSerializer.Serialize(record, AuditJson.Options), ct);
        }
        int explained = result.Records.Count - result.Failed;
        double PerImage(double ms) => explained == 0 ? 0 : ms / explained;
        var outputs = explained > 0 ? AuditOutputs.Build(job.Report with { Model = model.Description }, result.Records) : null;
        var methods = work.Run.Explainers.Select(e => e.Name).ToList();
        var summary = new ExplainSummary(model.Description, model.Device.ToString(), work.Run.Target.ToString(), work.Limits.BatchSize, work.Run.Seed,
            methods, result.Records, methods.ToDictionary(m => m, m => PerImage(StageTimes.ForMethod(result.StageMilliseconds, m, methods))),
            watch.Elapsed.TotalSeconds, result.StageMilliseconds.ToDictionary(kv => kv.Key, kv => PerImage(kv.Value)),
            outputs?.Report.Robustness ?? new Dictionary<string, IReadOnlyDictionary<string, double>>(),
            outputs?.Model.MetricMeans ?? new Dictionary<string, IReadOnlyDictionary<string, double>>());
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, "summary.json"), JsonSerializer.Serialize(summary, AuditJson.Options), ct);
        if (outputs is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(outputDirectory, "report.json"), JsonSerializer.Serialize(outputs.Report, AuditJson.Options), ct);
            foreach (var (relative, text) in outputs.Files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(outputDirectory, relative))!);
                await File.WriteAllTextAsync(Path.Combine(outputDirectory, relative), text, ct);
            }
        }
        return summary;
    }
}
