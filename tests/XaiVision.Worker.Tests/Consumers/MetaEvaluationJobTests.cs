using System.Text.Json;
using XaiVision.Contracts;
using XaiVision.Engine.Reports;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Tests.Consumers;

/// <summary>
/// The meta-evaluation through the job path: every shard scores its share of the sample and writes its part; the aggregation pools
/// the parts into report.json and the "which metrics to trust" section of report.html.
/// </summary>
public class MetaEvaluationJobTests
{
    [Fact]
    public async Task Each_shard_scores_its_share_and_the_report_says_which_metrics_to_trust()
    {
        var spec = WorkerTestServices.CheapDemoSpec("meta") with
        {
            Suite = new SuiteDefinition { Explainers = ["grad-cam", "random"], Metrics = ["deletion(steps=4)", "complexity"], Seed = 3 },
            Analysis = ["meta-evaluation(images=6,perturbations=1)"],
            Gates = [],
        };
        var (completed, rejected, store, provider) = await WorkerTestServices.RunJobAsync(spec);
        await using var _ = provider;
        Assert.Null(rejected);
        Assert.NotNull(completed);
        var location = spec.Location();
        int shards = (12 + spec.ShardSize - 1) / spec.ShardSize;
        for (int i = 0; i < shards; i++) Assert.NotNull(await store.ReadAsync("audits", JobLayout.Artefact(location, ShardMetaEvaluation.Name(i))));
        var report = JsonSerializer.Deserialize<JobReport>((await store.ReadAsync("audits", JobLayout.Report(location)))!, AuditJson.Options)!;
        var meta = report.MetaEvaluation!;
        Assert.Equal(["complexity:input", "complexity:model", "deletion:input", "deletion:model"], meta.Select(m => $"{m.Output}:{m.Kind}").Order());
        Assert.All(meta, m => Assert.Equal(shards * 2, m.Images)); // 6 asked of 3 shards: 2 each
        Assert.All(meta, m => Assert.InRange(m.Score!.Value, 0, 1));
        Assert.All(meta.Where(m => m.Kind == "model"), m => Assert.NotNull(m.IacNr)); // a nudge of 0.001 keeps predictions: resilience judged
        var html = System.Text.Encoding.UTF8.GetString((await store.ReadAsync("audits", JobLayout.Html(location)))!);
        Assert.Contains("id=\"meta-table\"", html);
        Assert.Contains("id=\"meta-chart\"", html);
        Assert.Equal(4, System.Text.RegularExpressions.Regex.Matches(html, "<tr data-output=").Count);
    }

    [Fact]
    public async Task A_mistyped_meta_evaluation_is_rejected_with_its_path()
    {
        var spec = WorkerTestServices.CheapDemoSpec("meta-mistake") with { Analysis = ["meta-evaluation(imagez=3)"] };
        var (completed, rejected, _, provider) = await WorkerTestServices.RunJobAsync(spec);
        await using var _ = provider;
        Assert.Null(completed);
        Assert.Contains(rejected!.Problems, p => p.Path == "analysis[0]" && p.Message.Contains("imagez"));
    }
}
