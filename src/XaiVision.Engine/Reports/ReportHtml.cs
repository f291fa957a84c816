using System.Globalization;
using System.Net;
using System.Text;
using XaiVision.Engine.Metrics;

namespace XaiVision.Engine.Reports;

/// <summary>
/// <c>report.html</c>: one self-contained page (inline CSS and SVG, no scripts but a load counter; pictures linked relative
/// to the page, so the folder opens from disk or from blob storage as is): summary and gates, metric table (direction of
/// every metric stated), regression rows (baseline | candidate | difference per method) when a baseline ran, every metric
/// curve as small multiples (one chart per method), per-class means, robustness, comparison figures, best and worst images
/// per metric as tables (a row per image, a column per method, best by the metric's declared direction), with the layer sweep a
/// "through the network" section (ΣR / logit per LRP method and layer, the sweep strips of the best and worst image), the strategy
/// clusters per class (<see cref="StrategySection"/>), every error, and
/// a link to the image browser. Thumbnails are the heatmaps on their own (viridis unsigned, cool–warm signed) with the
/// overlay on hover. Metric names, curves and directions come from <see cref="JobReport.Outputs"/> and
/// <see cref="JobReport.Curves"/>; none is known here by name.
/// </summary>
public static class ReportHtml
{
    /// <summary>The page from an audit's folded records: nothing here grows with the number of images.</summary>
    public static string Build(ReportModel model)
    {
        var (report, methods, selection) = (model.Report, model.Report.Methods, model.Selection);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>XaiVision audit report</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1500px}h1{margin-bottom:0}")
            .Append("h2{border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}")
            .Append("table{border-collapse:collapse;margin:8px 0;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right;vertical-align:top}")
            .Append("th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}.pass{color:#1a7f37;font-weight:bold}.fail{color:#c62828;font-weight:bold}")
            .Append("table.pictures td{text-align:center;font-size:12px}.map{position:relative;display:inline-block;width:128px;height:128px}")
            .Append(".map img{width:128px;height:128px;image-rendering:pixelated;display:block;border:1px solid #ccc}")
            .Append(".map img.over{position:absolute;top:0;left:0;display:none}.map:hover img.over{display:block}")
            .Append(".charts{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0}figcaption{font-size:12px;max-width:300px}svg{background:#fafafa;border:1px solid #ddd}")
            .Append(".dir{font-weight:normal;color:#555;font-size:11px}.legend{font-size:12px;color:#444}")
            .Append("img.mean{width:96px;height:96px;image-rendering:pixelated;border:1px solid #ccc}img.example{width:64px;height:64px;image-rendering:pixelated;margin:1px}")
            .Append("tr.flagged{background:#fff3f3}section.strategy{margin-bottom:24px}")
            .Append("</style></head><body>");
        html.Append($"<h1>XaiVision audit report</h1><p>Model <b>{E(report.Model)}</b> · targets {E(report.Targets)} · ")
            .Append($"{report.Images} images, {report.FailedImages} failed")
            .Append(report.WithoutTarget is { } none ? $", {none} without a positive label (no map)" : "")
            .Append($" · methods {E(string.Join(", ", methods))} · ")
            .Append("<a href=\"browser.html\">browse every image</a></p>");
        html.Append(report.Gates.Passed ? "<p class=\"pass\" id=\"verdict\">Gates passed</p>"
            : "<p class=\"fail\" id=\"verdict\">Gates FAILED</p><ul>" + string.Concat(report.Gates.Failures.Select(f => $"<li>FAILED: {E(f)}</li>")) + "</ul>");

        MetricTable(html, model, methods, model.MetricColumns, report.Outputs);
        MetaEvaluationSection.Append(html, report);
        if (report.Comparison is not null) Regression(html, model, methods);
        Curves(html, model, methods, report.Curves ?? new Dictionary<string, CurveAxis>());
        PerClass(html, model);
        if (report.Robustness.Count > 0)
            FigureTable(html, "Robustness (means per method and perturbation)",
                report.Robustness.ToDictionary(kv => kv.Key, kv => kv.Value.ToDictionary(v => v.Key, v => $"{v.Value:F3}")));
        if (report.Comparison is { } comparison)
            FigureTable(html, "Comparison with the baseline model (mean [95 % bootstrap interval])",
                comparison.ToDictionary(kv => kv.Key, kv => kv.Value.ToDictionary(v => v.Key, v => $"{v.Value.Mean:F3} [{v.Value.Low:F3}, {v.Value.High:F3}]")));
        ThroughTheNetwork(html, model);
        StrategySection.Append(html, model);
        ConceptSection.Append(html, report);
        TrendSection.Append(html, model);
        BestWorst(html, model, methods, report.Outputs);
        Errors(html, report);
        // For automated checks: how many images loaded and how many charts drew.
        html.Append("<script>window.addEventListener('load',()=>{const imgs=[...document.images];document.body.dataset.imagesTotal=imgs.length;")
            .Append("document.body.dataset.imagesLoaded=imgs.filter(i=>i.complete&&i.naturalWidth>0).length;")
            .Append("document.body.dataset.charts=document.querySelectorAll('svg polyline').length;});</script>");
        html.Append("</body></html>");
        return html.ToString();
    }

    /// <summary>Errors by reason, commonest first, with a few of the images each; the full list is <c>errors.csv</c>.</summary>
    static void Errors(StringBuilder html, JobReport report)
    {
        html.Append("<h2>Errors</h2>");
        if (report.Errors.Count == 0) { html.Append("<p>None.</p>"); return; }
        html.Append($"<p>{report.FailedImages} images failed; every one with its reason is in <a href=\"errors.csv\">errors.csv</a>.</p>")
            .Append("<table id=\"errors\"><tr><th>reason</th><th>images</th><th>for example</th></tr>");
        foreach (var e in report.Errors)
            html.Append($"<tr><td>{E(e.Reason)}</td><td>{e.Count}</td><td>{string.Join(", ", e.Examples.Select(x => $"<code>{E(x)}</code>"))}</td></tr>");
        html.Append("</table>");
    }

    static string E(string s) => WebUtility.HtmlEncode(s);
    static string F(double v) => double.IsNaN(v) ? "–" : Invariant.Number(v, "F3");

    static bool LowerIsBetter(IReadOnlyDictionary<string, MetricOutput>? outputs, string name) =>
        outputs?.GetValueOrDefault(name)?.Direction == MetricDirection.LowerIsBetter;

    static string Direction(IReadOnlyDictionary<string, MetricOutput>? outputs, string name) =>
        outputs?.ContainsKey(name) != true ? "" : LowerIsBetter(outputs, name) ? "↓ lower is better" : "↑ higher is better";

    /// <summary>A heatmap thumbnail (the overlay on hover), labelled for screen readers with image, method and value.</summary>
    static string Thumbnail(HeatmapFile? heatmap, string? overlay, string label)
    {
        if (heatmap is null && overlay is null) return "–";
        var title = heatmap is null ? "" : $" title=\"{E(heatmap.Signed ? "cool–warm" : "viridis")} {F(heatmap.Low)} … {F(heatmap.High)}\"";
        var main = heatmap?.Path ?? overlay!;
        var hover = heatmap is not null && overlay is not null ? $"<img class=\"over\" src=\"{E(overlay)}\" alt=\"\">" : "";
        return $"<span class=\"map\"{title}><img src=\"{E(main)}\" alt=\"{E(label)}\">{hover}</span>";
    }

    static string InputThumbnail(ImageRecord record) =>
        record.Input is null ? E(Short(record.Name)) : $"<span class=\"map\"><img src=\"{E(record.Input)}\" alt=\"{E(Short(record.Name))}\"></span>" + FigureLinks(record);

    /// <summary>The image's seed figures (<see cref="SeedFigures"/>), linked under its thumbnail.</summary>
    static string FigureLinks(ImageRecord record)
    {
        var links = new[] { (record.Figure, "figure"), (record.PerturbationFigure, "transformations"), (record.MaskingFigure, "masking") }
            .Where(l => l.Item1 is not null).Select(l => $"<a class=\"figure\" href=\"{E(l.Item1!)}\">{l.Item2}</a>").ToList();
        return links.Count == 0 ? "" : "<br>" + string.Join(" · ", links);
    }

    static string Short(string name) => name.StartsWith("images/", StringComparison.Ordinal) ? name["images/".Length..] : name;

    static void ColourLegend(StringBuilder html) =>
        html.Append("<p class=\"legend\">Heatmaps on their own: <svg width=\"120\" height=\"10\"><defs><linearGradient id=\"vir\">")
            .Append("<stop offset=\"0\" stop-color=\"#440154\"/><stop offset=\".5\" stop-color=\"#21918c\"/><stop offset=\"1\" stop-color=\"#fde725\"/>")
            .Append("</linearGradient><linearGradient id=\"cw\"><stop offset=\"0\" stop-color=\"#3b4cc0\"/><stop offset=\".5\" stop-color=\"#dddddd\"/>")
            .Append("<stop offset=\"1\" stop-color=\"#b40426\"/></linearGradient></defs><rect width=\"120\" height=\"10\" fill=\"url(#vir)\"/></svg> ")
            .Append("unsigned maps, min → max (viridis); <svg width=\"120\" height=\"10\"><rect width=\"120\" height=\"10\" fill=\"url(#cw)\"/></svg> ")
            .Append("signed maps, −q → 0 → +q with q the 98th percentile of |value| (cool–warm). Hover a map for the overlay on the image; ")
            .Append("hover-text gives each map's range.</p>");

    /// <summary>
    /// The means per method, columns grouped by the metrics' categories (faithfulness, robustness, …) under a header row naming
    /// them; then, per category, each metric's one-line definition with the direction of its outputs.
    /// </summary>
    static void MetricTable(StringBuilder html, ReportModel model, IReadOnlyList<string> methods,
        IReadOnlyList<string> names, IReadOnlyDictionary<string, MetricOutput>? outputs)
    {
        html.Append("<h2>Metrics per method (mean · median · p10–p90)</h2>");
        if (names.Count == 0) { html.Append("<p>No metrics were asked for.</p>"); return; }
        string Group(string name) => outputs?.GetValueOrDefault(name) is { } o ? Word(o.Category) : "other";
        var groups = names.Select((name, index) => (name, index)).GroupBy(c => Group(c.name))
            .OrderBy(g => outputs?.GetValueOrDefault(g.First().name)?.Category ?? (MetricCategory)int.MaxValue).ToList();
        var columns = groups.SelectMany(g => g.Select(c => c.name)).ToList();
        html.Append("<table id=\"metrics\"><tr><th rowspan=\"2\">method</th>")
            .Append(string.Concat(groups.Select(g => $"<th colspan=\"{g.Count()}\" data-category=\"{E(g.Key)}\">{E(g.Key)}</th>"))).Append("</tr><tr>")
            .Append(string.Concat(columns.Select(n =>
                $"<th title=\"{E(outputs?.GetValueOrDefault(n)?.Definition ?? "")}\">{E(n)}<br><span class=\"dir\">{Direction(outputs, n)}</span></th>")))
            .Append("</tr>");
        foreach (var method in methods)
        {
            html.Append($"<tr><td>{E(method)}</td>");
            foreach (var name in columns)
            {
                html.Append(model.Spreads.GetValueOrDefault((method, name)) is not { } s ? "<td>–</td>"
                    : $"<td>{F(s.Mean)} · {F(s.Median)} · {F(s.P10)}–{F(s.P90)}</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</table><dl id=\"metric-definitions\" class=\"legend\">");
        foreach (var group in groups.Where(g => g.Key != "other"))
        {
            html.Append($"<dt><b>{E(group.Key)}</b></dt>");
            foreach (var metric in group.Select(c => outputs![c.name]).GroupBy(o => o.Metric))
            {
                var its = group.Where(c => outputs![c.name].Metric == metric.Key)
                    .Select(c => $"{E(c.name)} {(LowerIsBetter(outputs, c.name) ? "↓" : "↑")}");
                html.Append($"<dd><b>{E(metric.Key)}</b> ({string.Join(", ", its)}): {E(metric.First().Definition)}</dd>");
            }
        }
        html.Append("</dl>");
    }

    /// <summary>A category as report.json writes it (one lower-case word).</summary>
    static string Word(MetricCategory category) => category.ToString().ToLowerInvariant();

    /// <summary>
    /// The images whose prediction changed, then those whose attention drifted most (lowest mean Spearman between the two
    /// models' maps): a row each with both predictions and the drift, and per method the baseline's map, the candidate's
    /// and their difference (candidate − baseline, red where the candidate looks more).
    /// </summary>
    static void Regression(StringBuilder html, ReportModel model, IReadOnlyList<string> methods)
    {
        var (changed, drifted) = (model.Changed, model.Drifted);
        if (changed.Count + drifted.Count == 0) return;
        double Drift(ImageRecord r) => r.Explanations.Where(e => e.Comparison is not null).Average(e => e.Comparison!.Spearman);
        html.Append($"<h2 id=\"regression\">Regression: baseline vs candidate ({model.ChangedCount} prediction changes")
            .Append(model.ChangedCount > changed.Count ? $", the {changed.Count} that drifted most shown, every one in the <a href=\"browser.html\">browser</a>" : "")
            .Append($"; then the {drifted.Count} largest drifts)</h2>");
        ColourLegend(html);
        html.Append("<table class=\"pictures\" id=\"regression-rows\"><tr><th>image</th><th>predictions and drift</th>");
        foreach (var method in methods) html.Append($"<th colspan=\"3\">{E(method)}<br><span class=\"dir\">baseline · candidate · difference</span></th>");
        html.Append("</tr>");
        foreach (var record in changed.Concat(drifted))
        {
            var first = record.Explanations.First(e => e.Comparison is not null);
            var baseline = first.Comparison!.BaselinePrediction;
            var flag = first.Comparison.PredictionChanged ? "<b>prediction CHANGED</b><br>" : "";
            html.Append($"<tr data-image=\"{E(record.Name)}\"><td>{InputThumbnail(record)}<br>{E(Short(record.Name))}</td>")
                .Append($"<td style=\"text-align:left\">{flag}baseline → {E(baseline.Name)} ({baseline.Probability:P0})<br>")
                .Append($"candidate → {E(record.Prediction!.Name)} ({record.Prediction.Probability:P0})<br>mean drift Spearman {F(Drift(record))}</td>");
            foreach (var method in methods)
            {
                var e = record.Explanations.FirstOrDefault(x => x.Method == method && x.Comparison is not null);
                if (e is null) { html.Append("<td colspan=\"3\">–</td>"); continue; }
                var c = e.Comparison!;
                var label = $"{Short(record.Name)} {method}";
                html.Append($"<td>{Thumbnail(c.BaselineHeatmap, null, label + " baseline")}</td>")
                    .Append($"<td>{Thumbnail(e.Heatmap, e.Overlay, label + " candidate")}</td>")
                    .Append($"<td>{Thumbnail(c.DifferenceHeatmap, null, label + " difference")}<br>ρ {F(c.Spearman)} · shift {F(c.CentreShift)}</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</table>");
    }

    /// <summary>A small line chart: the mean with a p10–p90 band; x from the first to the last point.</summary>
    static void Chart(StringBuilder html, string title, CurveBand band, string colour, double yMin, double yMax)
    {
        const int w = 280, h = 170, pad = 30;
        html.Append($"<figure><figcaption>{E(title)}</figcaption><svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">");
        html.Append($"<line x1=\"{pad}\" y1=\"{h - pad}\" x2=\"{w - 5}\" y2=\"{h - pad}\" stroke=\"#888\"/><line x1=\"{pad}\" y1=\"5\" x2=\"{pad}\" y2=\"{h - pad}\" stroke=\"#888\"/>");
        html.Append($"<text x=\"2\" y=\"12\" font-size=\"10\">{F(yMax)}</text><text x=\"2\" y=\"{h - pad}\" font-size=\"10\">{F(yMin)}</text>");
        int n = band.Mean.Count;
        string X(int i) => (pad + (w - pad - 5) * (n <= 1 ? 0 : i / (double)(n - 1))).ToString("F1", CultureInfo.InvariantCulture);
        string Y(double v) => (h - pad - (h - pad - 5) * Math.Clamp((v - yMin) / (yMax - yMin), 0, 1)).ToString("F1", CultureInfo.InvariantCulture);
        var upper = band.P90.Select((v, i) => $"{X(i)},{Y(v)}");
        var lower = band.P10.Select((v, i) => $"{X(i)},{Y(v)}").Reverse();
        html.Append($"<polygon points=\"{string.Join(' ', upper.Concat(lower))}\" fill=\"{colour}\" fill-opacity=\"0.18\" stroke=\"none\"/>");
        html.Append($"<polyline points=\"{string.Join(' ', band.Mean.Select((mean, i) => $"{X(i)},{Y(mean)}"))}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>");
        html.Append($"<text x=\"{pad + 4}\" y=\"{h - 8}\" font-size=\"10\">{band.Images} images · mean, p10–p90</text></svg></figure>");
    }

    static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

    /// <summary>Per declared curve, small multiples: one chart per method, side by side on the same axes.</summary>
    static void Curves(StringBuilder html, ReportModel model, IReadOnlyList<string> methods, IReadOnlyDictionary<string, CurveAxis> axes)
    {
        var charts = axes.Select(axis => (Axis: axis, Series: methods.Select((m, i) => (Method: m, Index: i,
                Curves: model.Curves.GetValueOrDefault((m, axis.Key)))).Where(s => s.Curves is not null).ToList()))
            .Where(c => c.Series.Count > 0).ToList();
        if (charts.Count == 0) return;
        html.Append("<h2>Metric curves (one chart per method)</h2>");
        foreach (var (axis, series) in charts)
        {
            html.Append($"<h3>{E(axis.Value.Caption)}</h3><div class=\"charts\">");
            foreach (var (method, index, curves) in series) Chart(html, method, curves!, Palette[index % Palette.Length], axis.Value.Min, axis.Value.Max);
            html.Append("</div>");
        }
    }

    static void PerClass(StringBuilder html, ReportModel model)
    {
        var names = model.Selection.Metrics;
        if (names.Count == 0) return;
        html.Append("<h2>Per class (means by explained class)</h2><table id=\"per-class\"><tr><th>class</th><th>images</th><th>method</th>")
            .Append(string.Concat(names.Select(n => $"<th>{E(n)}</th>"))).Append("</tr>");
        foreach (var row in model.PerClass)
        {
            html.Append($"<tr><td>{E(row.Class)}</td><td>{row.Rows}</td><td>{E(row.Method)}</td>");
            foreach (var name in names)
                html.Append($"<td>{(row.Means.TryGetValue(name, out var mean) ? F(mean) : "–")}</td>");
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
    /// The layer sweep over the job: per LRP method a row of median ΣR / logit per layer (p10–p90 on hover; 1.000 where relevance is
    /// conserved, less where a rule such as ε·rms absorbs it), then the sweep strips of the best and the worst image by the first
    /// metric of the first method (else by confidence).
    /// </summary>
    static void ThroughTheNetwork(StringBuilder html, ReportModel model)
    {
        var (report, selection) = (model.Report, model.Selection);
        if (report.ThroughTheNetwork is null && model.Sweep is null) return;
        html.Append("<h2 id=\"through-the-network\">Through the network</h2>");
        if (report.ThroughTheNetwork is { } layers)
        {
            html.Append("<p>Share of the explained logit that each layer's input holds (ΣR / logit, median over the images): 1 where the rules conserve ")
                .Append("relevance; the ε·rms rule of the upper layers absorbs some by design.</p>");
            foreach (var method in layers.GroupBy(l => l.Method))
                html.Append($"<table class=\"network\"><tr><th>{E(method.Key)}</th>").Append(string.Concat(method.Select(l => $"<th>{E(l.Layer)}</th>")))
                    .Append("</tr><tr><td>ΣR / logit</td>")
                    .Append(string.Concat(method.Select(l => $"<td title=\"p10–p90 {F(l.P10)}–{F(l.P90)} over {l.Images} images\">{F(l.Median)}</td>"))).Append("</tr></table>");
        }
        if (model.Sweep is not { } ranked) return;
        var name = ranked.Metric;
        var metric = name == ReportSelection.Confidence ? "confidence" : $"{name} of {selection.Method}";
        foreach (var (label, m) in new[] { ("best", ranked.Best.First()), ("worst", ranked.Worst.First()) }.DistinctBy(x => x.Item2.Name))
            html.Append($"<figure data-sweep=\"{label}\"><figcaption>{label} by {E(metric)}: {E(Short(m.Name))} → {E(m.Prediction!.Name)}</figcaption>")
                .Append($"<div style=\"overflow-x:auto;max-width:100%\"><a href=\"{E(m.LayerSweep!.Strip!)}\"><img src=\"{E(m.LayerSweep.Strip!)}\" ")
                .Append($"alt=\"layer sweep of {E(Short(m.Name))}\" style=\"max-height:400px\"></a></div></figure>");
    }

    /// <summary>
    /// Per metric (up to four), the three best and three worst images by the first method — best by the metric's declared
    /// direction — as a table: a row per image, a column per method with its heatmap and value.
    /// </summary>
    static void BestWorst(StringBuilder html, ReportModel model, IReadOnlyList<string> methods, IReadOnlyDictionary<string, MetricOutput>? outputs)
    {
        html.Append("<h2>Best and worst images</h2>");
        if (model.Selection.Method is not { } first || model.BestWorst is not { } rankings) return;
        ColourLegend(html);
        foreach (var ranked in rankings)
        {
            var name = ranked.Metric;
            bool lower = LowerIsBetter(outputs, name);
            var direction = lower ? "↓ lower is better" : "↑ higher is better"; // confidence: higher
            var metric = name == "" ? "confidence" : name;
            html.Append($"<h3>{E(metric)} of {E(first)} ({direction})</h3><table class=\"pictures\"><tr><th>rank</th><th>image</th>")
                .Append(string.Concat(methods.Select(m => $"<th>{E(m)}</th>"))).Append("</tr>");
            foreach (var (label, images) in new[] { ("best", ranked.Best), ("worst", ranked.Worst) })
            {
                html.Append($"<tr><td colspan=\"{methods.Count + 2}\" data-rank=\"{label}\" data-metric=\"{E(name)}\">{E(metric)} — {label}</td></tr>");
                foreach (var record in images)
                {
                    html.Append($"<tr data-image=\"{E(record.Name)}\"><td>{label}</td><td>{InputThumbnail(record)}<br>{E(Short(record.Name))}<br>→ {E(record.Prediction!.Name)}</td>");
                    foreach (var method in methods)
                    {
                        var e = record.Explanations.FirstOrDefault(x => x.Method == method);
                        var value = name != "" && e?.Metrics?.TryGetValue(name, out var v) == true ? F(v) : "";
                        html.Append(e is null ? "<td>–</td>" : $"<td>{Thumbnail(e.Heatmap, e.Overlay, $"{Short(record.Name)} {method} {metric} {value}")}<br>{value}</td>");
                    }
                    html.Append("</tr>");
                }
            }
            html.Append("</table>");
        }
    }
}
