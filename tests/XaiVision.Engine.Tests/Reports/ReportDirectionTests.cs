using System.Text.RegularExpressions;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Suites;

namespace XaiVision.Engine.Tests.Reports;

/// <summary>The report reads each metric's declared direction: best images are the lowest for lower-is-better outputs.</summary>
public class ReportDirectionTests
{
    static ImageRecord Record(int i, double deletion, double insertion) => new($"img{i}.png", $"img{i}", 8, 8, new ClassScore(0, "a", 1, 0.9f),
        [new ClassScore(0, "a", 1, 0.9f)],
        [new ExplanationRecord("saliency", new Dictionary<string, string>(), new ClassScore(0, "a", 1, 0.9f), $"img{i}/saliency.png", null, "min-max", 0, 1, 1, 0,
            new Dictionary<string, double> { ["deletion"] = deletion, ["insertion"] = insertion },
            Curves: new Dictionary<string, MetricCurve> { ["deletion"] = new([0.9, deletion, 0.1]) })],
        null);

    /// <summary>The image names listed under the heading for <paramref name="metric"/> and <paramref name="rank"/>.</summary>
    static List<string> Listed(string html, string metric, string rank)
    {
        var start = html.IndexOf($"data-rank=\"{rank}\" data-metric=\"{metric}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {rank} section for {metric}");
        var next = html.IndexOf("data-rank=", start + 10, StringComparison.Ordinal);
        var end = html.IndexOf("</table>", start, StringComparison.Ordinal);
        var section = html[start..(next >= 0 && next < end ? next : end)];
        return Regex.Matches(section, "data-image=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
    }

    [Fact]
    public void Best_and_worst_follow_each_metrics_direction()
    {
        // Deletion: lower is better. Insertion: higher is better. Image i has deletion i/10 and insertion i/10.
        var records = Enumerable.Range(0, 8).Select(i => Record(i, i / 10.0, i / 10.0)).ToList();
        var metrics = MetricCatalog.CreateList("deletion,insertion");
        var outputs = AuditOutputs.Build(new ReportRequest("m", "predicted", 1, [], metrics), records);

        Assert.Equal(MetricDirection.LowerIsBetter, outputs.Report.Outputs!["deletion"].Direction);
        Assert.Equal(XaiVision.Engine.Metrics.MetricCategory.Faithfulness, outputs.Report.Outputs["deletion"].Category);
        Assert.Equal(["img0", "img1", "img2"], Listed(outputs.Html, "deletion", "best"));
        Assert.Equal(["img7", "img6", "img5"], Listed(outputs.Html, "deletion", "worst"));
        Assert.Equal(["img7", "img6", "img5"], Listed(outputs.Html, "insertion", "best"));
        Assert.Equal(["img0", "img1", "img2"], Listed(outputs.Html, "insertion", "worst"));
        Assert.Contains("deletion of saliency (↓ lower is better)", outputs.Html);
        // The curve is drawn from the metric's declaration (caption and range), not from a name the page knows.
        Assert.Contains(metrics[0].Curves["deletion"].Caption, outputs.Html);
    }

    [Fact]
    public void Every_catalog_metric_declares_direction_for_every_output_it_returns()
    {
        foreach (var name in MetricCatalog.Names)
        {
            var metric = MetricCatalog.Create(Engine.Explainers.MethodSpec.Parse(name));
            Assert.NotEmpty(metric.Outputs);
            Assert.Matches("^\"[a-z]+\"$", System.Text.Json.JsonSerializer.Serialize(metric.Category, AuditJson.Options)); // report.json names it in a word
            Assert.All(metric.Curves.Keys, curve => Assert.Contains(curve, metric.Outputs.Keys));
        }
    }

    [Fact]
    public void The_metric_table_groups_columns_by_category_and_defines_every_metric()
    {
        var records = Enumerable.Range(0, 4).Select(i => Record(i, i / 10.0, i / 10.0) with
        {
            Explanations = [Record(i, i / 10.0, i / 10.0).Explanations[0] with
            {
                Metrics = new Dictionary<string, double> { ["complexity"] = 3 + i, ["deletion"] = i / 10.0, ["max-sensitivity"] = 0.1, ["insertion"] = 0.5 },
            }],
        }).ToList();
        var metrics = MetricCatalog.CreateList("complexity,deletion,max-sensitivity,insertion");
        var html = AuditOutputs.Build(new ReportRequest("m", "predicted", 1, [], metrics), records).Html;
        var table = html[html.IndexOf("<table id=\"metrics\">", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("</table>", StringComparison.Ordinal)];
        // Categories in their declared order, each spanning its outputs; the outputs under them in the same order.
        Assert.Equal(["faithfulness:2", "robustness:1", "complexity:1"], Regex.Matches(table, "colspan=\"(\\d+)\" data-category=\"([a-z]+)\"")
            .Select(m => $"{m.Groups[2].Value}:{m.Groups[1].Value}").ToList());
        Assert.Equal(["deletion", "insertion", "max-sensitivity", "complexity"], Regex.Matches(table, "<th title=\"[^\"]*\">([a-z-]+)<br>").Select(m => m.Groups[1].Value).ToList());
        var definitions = html[html.IndexOf("id=\"metric-definitions\"", StringComparison.Ordinal)..];
        Assert.All(metrics, m => Assert.Contains(System.Net.WebUtility.HtmlEncode(m.Definition), definitions));
        Assert.Contains("<b>complexity</b> (complexity ↓)", definitions);
    }
}
