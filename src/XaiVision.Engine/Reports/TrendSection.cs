using System.Globalization;
using System.Net;
using System.Text;

namespace XaiVision.Engine.Reports;

/// <summary>
/// report.html's "Trend" for a job of a named series: the earlier runs (<c>history/&lt;series&gt;.json</c>) and this one, a row each —
/// verdict, images, each method's first metrics and its share of maps in flagged strategies — and a small chart per method of those
/// values over the runs.
/// </summary>
public static class TrendSection
{
    const int RunsShown = 30;

    public static void Append(StringBuilder html, ReportModel model)
    {
        var (report, selection, context) = (model.Report, model.Selection, model.Context);
        if (context.History is not { } history) return;
        var current = SeriesRun.Of(Guid.Empty, DateTimeOffset.MinValue, "", report);
        var runs = history.Runs.Where(r => r.JobId != context.JobId).TakeLast(RunsShown - 1).Append(current).ToList();
        var methods = report.Methods;
        var names = selection.Trend;
        html.Append($"<h2 id=\"trend\">Trend: series {E(history.Series)} ({runs.Count} runs)</h2>")
            .Append("<p>Each run of the series, oldest first; this run last. Metric means per method, and the share of the method's maps ")
            .Append("in flagged strategy clusters.</p><table id=\"trend-table\"><tr><th>run</th><th>images</th><th>gates</th>");
        foreach (var m in methods)
            html.Append(string.Concat(names.Select(n => $"<th>{E(m)} {E(n)}</th>"))).Append($"<th>{E(m)} flagged</th>");
        html.Append("</tr>");
        foreach (var run in runs)
        {
            var when = run.Finished.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            var label = run.JobId == Guid.Empty ? "<b>this run</b>"
                : Relative(context.Location, run.Report) is { } link ? $"<a href=\"{E(link)}\">{when}</a>" : $"{when} <code>{E(run.Report)}</code>";
            html.Append($"<tr><td>{label}</td><td>{run.Images}</td><td class=\"{(run.GatesPassed ? "pass\">passed" : "fail\">FAILED")}</td>");
            foreach (var m in methods)
            {
                foreach (var n in names)
                    html.Append($"<td>{(run.Metrics.GetValueOrDefault(m)?.TryGetValue(n, out var v) == true ? F(v) : "–")}</td>");
                html.Append($"<td>{(run.FlaggedShare.TryGetValue(m, out var share) ? share.ToString("P0", CultureInfo.InvariantCulture) : "–")}</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</table><div class=\"charts\">");
        foreach (var m in methods)
            Chart(html, m, names.Select(n => (n, runs.Select(r => r.Metrics.GetValueOrDefault(m)?.GetValueOrDefault(n, double.NaN) ?? double.NaN).ToList()))
                .Append(("flagged share", runs.Select(r => r.FlaggedShare.GetValueOrDefault(m, double.NaN)).ToList())).ToList());
        html.Append("</div>");
    }

    /// <summary>Another run's report.html relative to this one's folder, when both are in the same container (else null).</summary>
    static string? Relative(string? here, string there)
    {
        if (here is null) return null;
        var (a, b) = (here.Split('/', StringSplitOptions.RemoveEmptyEntries), there.Split('/', StringSplitOptions.RemoveEmptyEntries));
        if (a.Length < 2 || b.Length < 2 || a[0] != b[0]) return null;
        return string.Concat(Enumerable.Repeat("../", a.Length - 1)) + string.Join("/", b.Skip(1)) + "/report.html";
    }

    static readonly string[] Colours = ["#1f77b4", "#2ca02c", "#9467bd", "#d62728"];

    static void Chart(StringBuilder html, string method, List<(string Name, List<double> Values)> series)
    {
        const int w = 260, h = 150, pad = 24;
        var all = series.SelectMany(s => s.Values).Where(double.IsFinite).ToList();
        if (all.Count == 0) return;
        double lo = Math.Min(0, all.Min()), hi = Math.Max(1, all.Max());
        int n = series[0].Values.Count;
        string X(int i) => (pad + (w - pad - 8) * (n <= 1 ? 0.5 : i / (double)(n - 1))).ToString("F1", CultureInfo.InvariantCulture);
        string Y(double v) => (h - pad - (h - pad - 8) * (v - lo) / (hi - lo)).ToString("F1", CultureInfo.InvariantCulture);
        var legend = string.Join(" · ", series.Select((s, i) => $"<span style=\"color:{Colours[i % Colours.Length]}\">{E(s.Name)}</span>"));
        html.Append($"<figure><figcaption>{E(method)} over the runs: {legend}</figcaption><svg class=\"trend\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">")
            .Append($"<line x1=\"{pad}\" y1=\"{h - pad}\" x2=\"{w - 4}\" y2=\"{h - pad}\" stroke=\"#888\"/><text x=\"2\" y=\"12\" font-size=\"10\">{F(hi)}</text>")
            .Append($"<text x=\"2\" y=\"{h - pad}\" font-size=\"10\">{F(lo)}</text>");
        for (int s = 0; s < series.Count; s++)
        {
            var points = series[s].Values.Select((v, i) => (v, i)).Where(p => double.IsFinite(p.v)).Select(p => $"{X(p.i)},{Y(p.v)}").ToList();
            var colour = Colours[s % Colours.Length];
            html.Append($"<polyline points=\"{string.Join(' ', points)}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>");
        }
        html.Append("</svg></figure>");
    }

    static string E(string s) => WebUtility.HtmlEncode(s);
    static string F(double v) => Invariant.Number(v, "F3");
}
