using System.Globalization;
using System.Net;
using System.Text;
using XaiVision.Engine.Metrics;

namespace XaiVision.Engine.Reports;

/// <summary>
/// <c>report.html</c>: one self-contained page (inline CSS and SVG charts; overlays linked relative to the page,
/// so the folder can be opened from disk or served as is): summary and gates, per-method metric table with
/// spread, every metric curve (mean with p10–p90 band), per-class breakdown, robustness, model comparison, best and
/// worst images per metric (best by the metric's declared direction), and every per-image error. Metric names, curves
/// and directions come from the report's <see cref="JobReport.Outputs"/> and <see cref="JobReport.Curves"/>; none is known here by name.
/// </summary>
public static class ReportHtml
{
    static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

    public static string Build(JobReport report, IReadOnlyList<ImageRecord> records)
    {
        var ok = records.Where(r => r.Error is null).ToList();
        var maps = ok.SelectMany(r => r.Explanations.Select(e => (Record: r, Explanation: e))).ToList();
        var methods = report.Methods;
        var names = Names(report, maps);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>XaiVision audit report</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}h1{margin-bottom:0}h2{border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}")
            .Append("table{border-collapse:collapse;margin:8px 0;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}")
            .Append("th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}")
            .Append(".pass{color:#1a7f37;font-weight:bold}.fail{color:#c62828;font-weight:bold}.grid{display:flex;flex-wrap:wrap;gap:12px}.cell{text-align:center;font-size:12px}")
            .Append(".cell img{width:128px;height:128px;image-rendering:pixelated;border:1px solid #ccc;display:block}")
            .Append(".charts{display:flex;flex-wrap:wrap;gap:24px}svg{background:#fafafa;border:1px solid #ddd}")
            .Append("</style></head><body>");
        html.Append($"<h1>XaiVision audit report</h1><p>Model <b>{E(report.Model)}</b> · targets {E(report.Targets)} · " +
            $"{report.Images} images, {report.FailedImages} failed · methods {E(string.Join(", ", methods))}</p>");
        html.Append(report.Gates.Passed ? "<p class=\"pass\" id=\"verdict\">Gates passed</p>"
            : "<p class=\"fail\" id=\"verdict\">Gates FAILED</p><ul>" + string.Concat(report.Gates.Failures.Select(f => $"<li>{E(f)}</li>")) + "</ul>");

        MetricTable(html, maps, methods, names);
        Curves(html, maps, methods, report.Curves ?? new Dictionary<string, CurveAxis>());
        PerClass(html, maps, methods, names);
        if (report.Robustness.Count > 0) FigureTable(html, "Robustness (means per method and perturbation)",
            report.Robustness.ToDictionary(kv => kv.Key, kv => kv.Value.ToDictionary(v => v.Key, v => $"{v.Value:F3}")));
        if (report.Comparison is { } comparison)
            FigureTable(html, "Comparison with the baseline model (mean [95 % bootstrap interval])",
                comparison.ToDictionary(kv => kv.Key, kv => kv.Value.ToDictionary(v => v.Key, v => $"{v.Value.Mean:F3} [{v.Value.Low:F3}, {v.Value.High:F3}]")));
        BestWorst(html, ok, maps, methods, names, report.Outputs);
        html.Append("<h2>Errors</h2>");
        html.Append(report.Errors.Count == 0 ? "<p>None.</p>" : "<ul>" + string.Concat(report.Errors.Select(e => $"<li><code>{E(e.Image)}</code>: {E(e.Error)}</li>")) + "</ul>");
        // For automated checks: how many images loaded and how many charts drew.
        html.Append("<script>window.addEventListener('load',()=>{const imgs=[...document.images];document.body.dataset.imagesTotal=imgs.length;")
            .Append("document.body.dataset.imagesLoaded=imgs.filter(i=>i.complete&&i.naturalWidth>0).length;")
            .Append("document.body.dataset.charts=document.querySelectorAll('svg polyline').length;});</script>");
        html.Append("</body></html>");
        return html.ToString();
    }

    /// <summary>The metric outputs present in the records, in the report's order (its declared outputs first).</summary>
    static List<string> Names(JobReport report, List<(ImageRecord Record, ExplanationRecord Explanation)> maps)
    {
        var present = maps.SelectMany(m => m.Explanation.Metrics?.Keys ?? []).ToHashSet();
        var declared = (report.Outputs?.Keys ?? []).Where(present.Contains);
        return declared.Concat(present.Order(StringComparer.Ordinal)).Distinct().ToList();
    }

    static string E(string s) => WebUtility.HtmlEncode(s);
    static string F(double v) => double.IsNaN(v) ? "–" : v.ToString("F3", CultureInfo.InvariantCulture);

    static double Quantile(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Round(q * (sorted.Count - 1))];

    static void MetricTable(StringBuilder html, List<(ImageRecord Record, ExplanationRecord Explanation)> maps, IReadOnlyList<string> methods, List<string> names)
    {
        html.Append("<h2>Metrics per method (mean · median · p10–p90)</h2>");
        if (names.Count == 0) { html.Append("<p>No metrics were asked for.</p>"); return; }
        html.Append("<table id=\"metrics\"><tr><th>method</th>").Append(string.Concat(names.Select(n => $"<th>{E(n)}</th>"))).Append("</tr>");
        foreach (var method in methods)
        {
            html.Append($"<tr><td>{E(method)}</td>");
            foreach (var name in names)
            {
                var values = maps.Where(m => m.Explanation.Method == method && m.Explanation.Metrics?.ContainsKey(name) == true)
                    .Select(m => m.Explanation.Metrics![name]).Order().ToList();
                html.Append(values.Count == 0 ? "<td>–</td>" : $"<td>{F(values.Average())} · {F(Quantile(values, 0.5))} · {F(Quantile(values, 0.1))}–{F(Quantile(values, 0.9))}</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</table>");
    }

    /// <summary>A line chart: one mean line per series with a p10–p90 band; x from 0 to 1.</summary>
    static void Chart(StringBuilder html, string title, IReadOnlyList<(string Name, List<double[]> Curves)> series, double yMin = 0, double yMax = 1)
    {
        const int w = 360, h = 220, pad = 30;
        html.Append($"<figure><figcaption>{E(title)}</figcaption><svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">");
        html.Append($"<line x1=\"{pad}\" y1=\"{h - pad}\" x2=\"{w - 5}\" y2=\"{h - pad}\" stroke=\"#888\"/><line x1=\"{pad}\" y1=\"5\" x2=\"{pad}\" y2=\"{h - pad}\" stroke=\"#888\"/>");
        html.Append($"<text x=\"2\" y=\"12\" font-size=\"10\">{F(yMax)}</text><text x=\"2\" y=\"{h - pad}\" font-size=\"10\">{F(yMin)}</text>");
        string X(int i, int n) => (pad + (w - pad - 5) * (n <= 1 ? 0 : i / (double)(n - 1))).ToString("F1", CultureInfo.InvariantCulture);
        string Y(double v) => (h - pad - (h - pad - 5) * Math.Clamp((v - yMin) / (yMax - yMin), 0, 1)).ToString("F1", CultureInfo.InvariantCulture);
        for (int s = 0; s < series.Count; s++)
        {
            var curves = series[s].Curves;
            if (curves.Count == 0) continue;
            int n = curves.Min(c => c.Length);
            var colour = Palette[s % Palette.Length];
            var columns = Enumerable.Range(0, n).Select(i => curves.Select(c => c[i]).Order().ToList()).ToList();
            var upper = columns.Select((c, i) => $"{X(i, n)},{Y(Quantile(c, 0.9))}");
            var lower = columns.Select((c, i) => $"{X(i, n)},{Y(Quantile(c, 0.1))}").Reverse();
            html.Append($"<polygon points=\"{string.Join(' ', upper.Concat(lower))}\" fill=\"{colour}\" fill-opacity=\"0.15\" stroke=\"none\"/>");
            html.Append($"<polyline points=\"{string.Join(' ', columns.Select((c, i) => $"{X(i, n)},{Y(c.Average())}"))}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>");
            html.Append($"<text x=\"{w - 150}\" y=\"{16 + 13 * s}\" font-size=\"11\" fill=\"{colour}\">{E(series[s].Name)}</text>");
        }
        html.Append("</svg></figure>");
    }

    static List<double[]> CurvesOf(IEnumerable<ExplanationRecord> explanations, string curve) =>
        explanations.Select(e => e.Curves?.GetValueOrDefault(curve)?.Points.ToArray()).OfType<double[]>().Where(c => c.Length > 0).ToList();

    /// <summary>One chart per declared curve, one series per method.</summary>
    static void Curves(StringBuilder html, List<(ImageRecord Record, ExplanationRecord Explanation)> maps, IReadOnlyList<string> methods,
        IReadOnlyDictionary<string, CurveAxis> axes)
    {
        var charts = axes.Select(axis => (axis, series: methods.Select(m => (m, CurvesOf(maps.Where(x => x.Explanation.Method == m).Select(x => x.Explanation), axis.Key))).ToList()))
            .Where(c => c.series.Any(s => s.Item2.Count > 0)).ToList();
        if (charts.Count == 0) return;
        html.Append("<h2>Metric curves (mean, p10–p90 band)</h2><div class=\"charts\">");
        foreach (var (axis, series) in charts) Chart(html, axis.Value.Caption, series, axis.Value.Min, axis.Value.Max);
        html.Append("</div>");
    }

    static void PerClass(StringBuilder html, List<(ImageRecord Record, ExplanationRecord Explanation)> maps, IReadOnlyList<string> methods, List<string> allNames)
    {
        var names = allNames.Take(4).ToList();
        if (names.Count == 0) return;
        html.Append("<h2>Per class (means by explained class)</h2><table id=\"per-class\"><tr><th>class</th><th>images</th><th>method</th>")
            .Append(string.Concat(names.Select(n => $"<th>{E(n)}</th>"))).Append("</tr>");
        foreach (var group in maps.GroupBy(m => m.Explanation.Target.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
            foreach (var method in methods)
            {
                var rows = group.Where(m => m.Explanation.Method == method).ToList();
                if (rows.Count == 0) continue;
                html.Append($"<tr><td>{E(group.Key)}</td><td>{rows.Count}</td><td>{E(method)}</td>");
                foreach (var name in names)
                {
                    var values = rows.Where(r => r.Explanation.Metrics?.ContainsKey(name) == true).Select(r => r.Explanation.Metrics![name]).ToList();
                    html.Append($"<td>{(values.Count == 0 ? "–" : F(values.Average()))}</td>");
                }
                html.Append("</tr>");
            }
        html.Append("</table>");
    }

    static void FigureTable(StringBuilder html, string title, Dictionary<string, Dictionary<string, string>> rows)
    {
        var columns = rows.Values.SelectMany(r => r.Keys).Distinct().ToList();
        html.Append($"<h2>{E(title)}</h2><table><tr><th></th>").Append(string.Concat(columns.Select(c => $"<th>{E(c)}</th>"))).Append("</tr>");
        foreach (var (row, values) in rows)
            html.Append($"<tr><td>{E(row)}</td>").Append(string.Concat(columns.Select(c => $"<td>{E(values.GetValueOrDefault(c, "–"))}</td>"))).Append("</tr>");
        html.Append("</table>");
    }

    /// <summary>
    /// Per metric (up to four), the three best and three worst images of the first method — best by the metric's declared
    /// direction (a lower-is-better metric's best images have its lowest values) — with every method's overlay side by side.
    /// </summary>
    static void BestWorst(StringBuilder html, List<ImageRecord> ok, List<(ImageRecord Record, ExplanationRecord Explanation)> maps, IReadOnlyList<string> methods,
        List<string> allNames, IReadOnlyDictionary<string, MetricOutput>? outputs)
    {
        html.Append("<h2>Best and worst images</h2>");
        if (methods.Count == 0 || ok.Count == 0) return;
        var first = methods[0];
        var names = allNames.Take(4).ToList();
        if (names.Count == 0) names = [""];
        foreach (var name in names)
        {
            bool lowerIsBetter = outputs?.GetValueOrDefault(name)?.Direction == MetricDirection.LowerIsBetter;
            var ranked = maps.Where(m => m.Explanation.Method == first && (name == "" || m.Explanation.Metrics?.ContainsKey(name) == true))
                .OrderByDescending(m => (name == "" ? m.Record.Prediction!.Probability : m.Explanation.Metrics![name]) * (lowerIsBetter ? -1 : 1))
                .Select(m => m.Record).Distinct().ToList();
            var direction = name == "" ? "higher is better" : lowerIsBetter ? "lower is better" : "higher is better";
            foreach (var (label, images) in new[] { ("best", ranked.Take(3).ToList()), ("worst", ranked.AsEnumerable().Reverse().Take(3).ToList()) })
            {
                html.Append($"<h3 data-rank=\"{label}\" data-metric=\"{E(name)}\">{E(name == "" ? "confidence" : name)} of {E(first)} ({direction}) — {label}</h3><div class=\"grid\">");
                foreach (var record in images)
                    foreach (var e in record.Explanations.Where(e => e.Overlay is not null))
                    {
                        var value = name != "" && e.Metrics?.TryGetValue(name, out var v) == true ? F(v) : "";
                        html.Append($"<div class=\"cell\" data-image=\"{E(record.Name)}\"><img src=\"{E(e.Overlay!)}\" alt=\"{E(record.Name)} {E(e.Method)}\"> " +
                            $"{E(record.Name.Replace("images/", ""))}<br>{E(e.Method)} {value}<br>→ {E(record.Prediction!.Name)}</div>");
                    }
                html.Append("</div>");
            }
        }
    }
}
