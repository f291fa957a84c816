using System.Text.Json;
using System.Text.RegularExpressions;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using XaiVision.Contracts;
using XaiVision.Engine.Reports;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Tests.Consumers;

/// <summary>A named series (the nightly regression): every run lands in history/&lt;series&gt;.json once, and each report shows the trend.</summary>
public class SeriesTests
{
    [Fact]
    public async Task Three_successive_runs_make_a_history_and_a_trend()
    {
        var (provider, harness, store, root) = await WorkerTestServices.StartSeededAsync("series");
        await using var _ = provider;
        var ids = new List<Guid>();
        for (int run = 1; run <= 3; run++)
        {
            var id = Guid.NewGuid();
            ids.Add(id);
            var spec = WorkerTestServices.CheapDemoSpec($"nightly/{run}") with { Series = "nightly" };
            await harness.Bus.Publish(new SubmitAuditJob(id, spec));
            await WorkerTestServices.Until(() => harness.Published.Select<AuditJobCompleted>().Any(m => m.Context.Message.JobId == id), $"run {run}");
        }
        var history = JsonSerializer.Deserialize<SeriesHistory>((await store.ReadAsync("xaivision-jobs", "history/nightly.json"))!, AuditJson.Options)!;
        Assert.Equal(ids, history.Runs.Select(r => r.JobId));
        Assert.Equal(["audits/nightly/1", "audits/nightly/2", "audits/nightly/3"], history.Runs.Select(r => r.Report));
        Assert.All(history.Runs, r => Assert.True(r.Metrics["grad-cam"].ContainsKey("deletion")));

        // An aggregation run again (a redelivery after a crash) does not add its run twice.
        var jobs = provider.GetRequiredService<JobStore>();
        await jobs.AppendHistoryAsync("nightly", history.Runs[2], default);
        Assert.Equal(3, (await jobs.ReadHistoryAsync("nightly", default)).Runs.Count);

        var folder = Path.Combine(root, "audits", "nightly", "3");
        var html = await File.ReadAllTextAsync(Path.Combine(folder, "report.html"));
        var table = Regex.Match(html, "<table id=\"trend-table\">(.*?)</table>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Equal(4, Regex.Matches(table, "<tr>").Count); // header + two earlier runs + this run
        Assert.Contains("<b>this run</b>", table);
        var links = Regex.Matches(table, "href=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["../../nightly/1/report.html", "../../nightly/2/report.html"], links);
        Assert.All(links, l => Assert.True(File.Exists(Path.GetFullPath(Path.Combine(folder, l))), l));
        Assert.Equal(2, Regex.Matches(html, "<svg class=\"trend\"").Count); // one chart per method
        // The first run had no history yet: its trend is itself.
        var first = await File.ReadAllTextAsync(Path.Combine(root, "audits", "nightly", "1", "report.html"));
        Assert.Equal(2, Regex.Matches(Regex.Match(first, "<table id=\"trend-table\">(.*?)</table>", RegexOptions.Singleline).Groups[1].Value, "<tr>").Count);
    }

    [Fact]
    public async Task A_bad_series_name_is_rejected()
    {
        var (completed, rejected, _, provider) = await WorkerTestServices.RunJobAsync(WorkerTestServices.CheapDemoSpec("series-bad") with { Series = "Nightly Run" });
        await using var _ = provider;
        Assert.Null(completed);
        Assert.Contains(rejected!.Problems, p => p.Path == "series");
    }
}
