using System.Net;
using System.Text;

namespace XaiVision.Engine.Reports;

/// <summary>
/// report.html's "Which metrics to trust" section (<see cref="JobReport.MetaEvaluation"/>): one sentence naming the outputs whose
/// meta-consistency is high on both perturbation kinds and those whose is low, a bar chart of MC per output (model and input
/// perturbations side by side) and the table of the four criteria behind each bar.
/// </summary>
public static class MetaEvaluationSection
{
    /// <summary>MC at or above this is "consistent"; below <see cref="Weak"/>, "not to be read on this model" (MetaQuantus's figures put good metrics above 0.6).</summary>
    public const double Strong = 0.6, Weak = 0.5;

    /// <summary>IEC AR below this: disrupted explanations mostly score better than the clean ones.</summary>
    public const double RewardsDamage = 0.25;

    public static void Append(StringBuilder html, JobReport report)
    {
        if (report.MetaEvaluation is not { Count: > 0 } rows) return;
        static string E(string s) => WebUtility.HtmlEncode(s);
        static string F(double? v) => v is { } x ? Invariant.Number(x, "F2") : "–";
        var outputs = rows.GroupBy(r => r.Output).Select(g => (Output: g.Key, Metric: g.First().Metric, Model: g.FirstOrDefault(r => r.Kind == "model"),
            Input: g.FirstOrDefault(r => r.Kind == "input"), Mean: g.Where(r => r.Score is not null).Select(r => r.Score!.Value).DefaultIfEmpty(double.NaN).Average()))
            .OrderByDescending(o => double.IsNaN(o.Mean) ? -1 : o.Mean).ToList();
        var trusted = outputs.Where(o => o.Mean >= Strong).Select(o => o.Output).ToList();
        var doubtful = outputs.Where(o => o.Mean < Weak).Select(o => o.Output).ToList();
        // A high MC can hide one failed criterion: scores that get better when the model is broken reward a broken model.
        var rewardBroken = outputs.Where(o => new[] { o.Model, o.Input }.Any(r => r?.IecAr < RewardsDamage)).Select(o => o.Output).ToList();
        html.Append($"<h2 id=\"meta-evaluation\">Which metrics to trust on this model (meta-evaluation of {rows[0].Images} images)</h2>")
            .Append("<p id=\"meta-verdict\">")
            .Append(trusted.Count > 0 ? $"These metrics rank the methods consistently on this model: <b>{E(string.Join(", ", trusted))}</b>. " : "")
            .Append(doubtful.Count > 0 ? $"These do not — read them with care: <b>{E(string.Join(", ", doubtful))}</b>. " : "")
            .Append(rewardBroken.Count > 0 ? $"These score a disrupted model's explanations better, so on their own they reward a broken model (IEC AR below {Invariant.Number(RewardsDamage, "F2")}): "
                + $"<b id=\"meta-rewards-damage\">{E(string.Join(", ", rewardBroken))}</b>. " : "")
            .Append("MC (meta-consistency, Hedström et al. 2023) is the mean of four criteria, each in [0, 1]: IAC NR, the scores stay put when ")
            .Append("the model's weights or the inputs are nudged slightly; IAC AR, they move when disrupted; IEC NR, the methods' ranking stays put ")
            .Append("when nudged; IEC AR, disrupted explanations score worse.</p>");
        const int barWidth = 240, rowHeight = 18;
        html.Append($"<svg id=\"meta-chart\" width=\"{barWidth + 260}\" height=\"{outputs.Count * rowHeight * 2 + 24}\" role=\"img\" aria-label=\"MC per metric output\">");
        for (int i = 0; i < outputs.Count; i++)
        {
            int y = 20 + i * rowHeight * 2;
            html.Append($"<text x=\"4\" y=\"{y + 12}\" font-size=\"12\">{E(outputs[i].Output)}</text>");
            foreach (var (row, dy, colour) in new[] { (outputs[i].Model, 0, "#3b4cc0"), (outputs[i].Input, rowHeight - 4, "#b40426") })
            {
                if (row?.Score is not { } score) continue;
                html.Append($"<rect x=\"180\" y=\"{y + dy}\" width=\"{score * barWidth:F0}\" height=\"{rowHeight - 6}\" fill=\"{colour}\"/>")
                    .Append($"<text x=\"{184 + score * barWidth:F0}\" y=\"{y + dy + 10}\" font-size=\"10\">{F(score)}</text>");
            }
        }
        html.Append($"<line x1=\"{180 + Strong * barWidth:F0}\" y1=\"10\" x2=\"{180 + Strong * barWidth:F0}\" y2=\"{outputs.Count * rowHeight * 2 + 20}\" stroke=\"#888\" stroke-dasharray=\"3\"/>")
            .Append("<text x=\"180\" y=\"12\" font-size=\"11\" fill=\"#3b4cc0\">model perturbations</text>")
            .Append("<text x=\"320\" y=\"12\" font-size=\"11\" fill=\"#b40426\">input perturbations</text></svg>");
        html.Append("<table id=\"meta-table\"><tr><th>output</th><th>metric</th><th>perturbed</th><th>IAC NR</th><th>IAC AR</th><th>IEC NR</th><th>IEC AR</th><th>MC</th></tr>");
        foreach (var o in outputs)
            foreach (var r in new[] { o.Model, o.Input }.Where(r => r is not null))
                html.Append($"<tr data-output=\"{E(o.Output)}\"><td>{E(o.Output)}</td><td>{E(o.Metric)}</td><td>{E(r!.Kind)}</td><td>{F(r.IacNr)}</td><td>{F(r.IacAr)}</td>")
                    .Append($"<td>{F(r.IecNr)}</td><td>{F(r.IecAr)}</td><td><b>{F(r.Score)}</b></td></tr>");
        html.Append("</table>");
    }
}
