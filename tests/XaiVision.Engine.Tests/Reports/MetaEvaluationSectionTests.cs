using System.Text;
using XaiVision.Engine.MetaEvaluation;
using XaiVision.Engine.Reports;

namespace XaiVision.Engine.Tests.Reports;

/// <summary>The "which metrics to trust" section: its verdict sentence, one bar per output and kind, one table row each.</summary>
public class MetaEvaluationSectionTests
{
    static string Html(params MetaConsistency[] rows)
    {
        var report = new JobReport(2, "m", "predicted", 8, 0, ["grad-cam"], new Dictionary<string, IReadOnlyDictionary<string, double>>(),
            new Dictionary<string, IReadOnlyDictionary<string, double>>(), [], new GateVerdict(true, []), MetaEvaluation: rows);
        var html = new StringBuilder();
        MetaEvaluationSection.Append(html, report);
        return html.ToString();
    }

    [Fact]
    public void The_verdict_names_the_consistent_the_doubtful_and_those_that_reward_a_broken_model()
    {
        var html = Html(
            MetaConsistency.Of("road-lerf", "road", "model", 0.9, 0.9, 1, 0.9, 8), MetaConsistency.Of("road-lerf", "road", "input", 0.9, 0.9, 1, 0.8, 8),
            MetaConsistency.Of("deletion", "deletion", "model", 0.4, 0.9, 1, 0.05, 8),
            MetaConsistency.Of("noise", "noise", "model", 0.1, 0.2, 0.3, double.NaN, 8));
        Assert.Contains("consistently on this model: <b>road-lerf</b>.", html); // deletion's MC 0.59: neither list
        Assert.Contains("read them with care: <b>noise</b>", html);
        Assert.Contains("<b id=\"meta-rewards-damage\">deletion</b>", html);
        Assert.Equal(4, html.Split("<tr data-output=").Length - 1);
        Assert.Contains("<td>–</td>", html); // the criterion with nothing to judge
    }

    [Fact]
    public void No_meta_evaluation_no_section() => Assert.Equal("", Html());
}
