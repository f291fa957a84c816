using System.Globalization;
using System.Net;
using System.Text;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Strategies;

namespace XaiVision.Engine.Reports;

/// <summary>
/// report.html's "Strategies" section (SpRAy): per method and class, the eigenvalue spectrum with the chosen gap, each cluster's
/// size, mean map, where its relevance sits and its flag, its most typical images, and the spectral embedding as a scatter whose
/// points open the image in the browser; then the class atlas — mean and spread of the normalised maps and the centres of mass.
/// Flagged groups come first; at most <see cref="GroupsShown"/> groups are drawn, the rest listed in one table.
/// </summary>
public static class StrategySection
{
    public const int GroupsShown = 40, PointsShown = 1500;
    static readonly string[] Colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];

    public static void Append(StringBuilder html, ReportModel model)
    {
        var groups = model.Strategies;
        if (groups.Count == 0) return;
        var ordered = groups.OrderByDescending(g => g.Summary.Clusters.Any(c => c.Flagged)).ToList();
        int flagged = groups.Count(g => g.Summary.Clusters.Any(c => c.Flagged));
        html.Append("<h2 id=\"strategies\">Strategies (spectral relevance analysis)</h2>")
            .Append("<p>Per method and class, the maps (downsampled, normalised to sum 1) are clustered by where their relevance lies ")
            .Append("(SpRAy, Lapuschkin et al. 2019): a neighbour graph, its Laplacian's spectrum, and as many clusters as the widest eigengap says. ")
            .Append("A cluster is <b class=\"fail\">flagged</b> when its relevance concentrates off the object — denser outside the mask than on it, ")
            .Append("or without masks a quarter of it in one corner or half in one border band. ")
            .Append($"<b>{flagged}</b> of {groups.Count} method/class groups have a flagged cluster. Every cluster's numbers are in <code>report.json</code>, ")
            .Append("the maps and points in <a href=\"strategies.json\">strategies.json</a>.</p>");
        if (model.Report.Concepts is { Classes.Count: > 0 }) html.Append("<p>Which internal features (channels) carry the relevance in these places: <a href=\"#concepts\">Concepts</a>.</p>");
        if (model.StrategyChanges is { } changes) Changes(html, changes);
        foreach (var group in ordered.Take(GroupsShown)) Group(html, group, model);
        if (ordered.Count > GroupsShown)
        {
            html.Append("<table id=\"more-strategies\"><tr><th>method</th><th>class</th><th>maps</th><th>clusters</th><th>flagged</th></tr>");
            foreach (var g in ordered.Skip(GroupsShown))
                html.Append($"<tr><td>{E(g.Summary.Method)}</td><td>{E(g.Summary.Class)}</td><td>{g.Summary.Analysed}</td><td>{g.Summary.Clusters.Count}</td>")
                    .Append($"<td>{g.Summary.Clusters.Count(c => c.Flagged)}</td></tr>");
            html.Append("</table>");
        }
    }

    /// <summary>Against a stored baseline run: per method and class, the strategies kept (baseline → now, cosine of the mean maps), new and vanished.</summary>
    static void Changes(StringBuilder html, IReadOnlyList<StrategyComparison.Change> changes)
    {
        html.Append("<h3 id=\"strategy-changes\">Since the baseline run</h3><p>Clusters matched by their mean maps (cosine ≥ ")
            .Append(F(ClusterMatching.Threshold)).Append("); a new strategy is one the baseline run did not have.</p>")
            .Append("<table id=\"strategy-changes-table\"><tr><th>method</th><th>class</th><th>kept (baseline → now, cosine)</th><th>new</th><th>vanished</th>")
            .Append("<th>maps in flagged clusters</th></tr>");
        foreach (var c in changes)
        {
            var kept = c.Matched.Count == 0 ? "–" : string.Join(", ", c.Matched.Select(p => $"{p.Baseline} → {p.Candidate} ({F(p.Similarity)})"));
            var added = c.New.Count == 0 ? "–" : string.Join(", ", c.New.Select(n => $"{n.Id} ({n.Share:P0}{(n.Flagged ? ", <span class=\"fail\">flagged</span>" : "")})"));
            var gone = c.Vanished.Count == 0 ? "–" : string.Join(", ", c.Vanished.Select(v => $"{v.Id} ({v.Share:P0}{(v.Flagged ? ", flagged" : "")})"));
            html.Append($"<tr{(c.New.Any(n => n.Flagged) ? " class=\"flagged\"" : "")}><td>{E(c.Method)}</td><td>{E(c.Class)}</td><td>{kept}</td><td>{added}</td>")
                .Append($"<td>{gone}</td><td>{c.BaselineFlaggedShare:P0} → {c.CandidateFlaggedShare:P0}</td></tr>");
        }
        html.Append("</table>");
    }

    static void Group(StringBuilder html, StrategyGroup group, ReportModel model)
    {
        var s = group.Summary;
        var sampled = s.Analysed < s.Images ? $" (a seeded sample of {s.Analysed} of {s.Images})" : "";
        html.Append($"<section class=\"strategy\" data-method=\"{E(s.Method)}\" data-class=\"{E(s.Class)}\">")
            .Append($"<h3>{E(s.Class)} · {E(s.Method)}: {s.Clusters.Count} {(s.Clusters.Count == 1 ? "strategy" : "strategies")} in {s.Analysed} maps{sampled}")
            .Append(s.Clusters.Any(c => c.Flagged) ? " <span class=\"fail\">· flagged</span>" : "").Append("</h3><div class=\"charts\">");
        Spectrum(html, s);
        Scatter(html, group);
        Atlas(html, group);
        html.Append("</div><table class=\"pictures clusters\"><tr><th>cluster</th><th>images</th><th>mean map</th><th>centre of mass (x, y)</th>")
            .Append("<th>strongest band · corner</th><th>off the object</th><th>verdict</th>")
            .Append(s.Clusters.Any(c => c.Concepts is not null) ? "<th>top concepts (share, on object)</th>" : "").Append("<th>typical images</th></tr>");
        foreach (var c in s.Clusters)
        {
            var band = c.Layout.Bands.MaxBy(b => b.Value);
            var corner = c.Layout.Corners.MaxBy(b => b.Value);
            var off = c.Layout.OffObject is { } o ? $"{o:P0} (object {c.Layout.ObjectArea:P0} of frame)" : "no masks";
            var examples = c.Examples.Select(image => model.StrategyExamples.GetValueOrDefault((s.Method, s.Class, image)) is { } r ? Example(r) : E(image));
            html.Append($"<tr{(c.Flagged ? " class=\"flagged\"" : "")}><td><span style=\"color:{Colour(c.Id)}\">●</span> {c.Id}</td><td>{c.Size} ({c.Share:P0})</td>")
                .Append($"<td>{MapImage(group.MeanMaps[c.Id - 1], group.MapSize, $"mean map of cluster {c.Id}")}</td>")
                .Append($"<td>{F(c.Layout.CentreX)}, {F(c.Layout.CentreY)}</td><td>{E(band.Key)} {band.Value:P0} · {E(corner.Key)} {corner.Value:P0}</td><td>{off}</td>")
                .Append(c.Flagged ? $"<td class=\"fail\">flagged: {E(c.Reason!)}</td>" : "<td>on the object</td>")
                .Append(s.Clusters.Any(k => k.Concepts is not null) ? $"<td>{Concepts(c)}</td>" : "")
                .Append($"<td>{string.Join(" ", examples)}</td></tr>");
        }
        html.Append("</table></section>");
    }

    /// <summary>A cluster's top concepts, each linked to the concept atlas; those mostly off the object marked.</summary>
    static string Concepts(StrategyCluster c) => c.Concepts is not { } concepts ? "–" : string.Join("<br>", concepts.Select(k =>
        $"<a href=\"#concepts\">#{k.Channel}</a> {k.MeanShare:P0}" + (k.OnObject is { } on ? $", {on:P0}{(on < 0.5 ? " <span class=\"fail\">off</span>" : "")}" : "")));

    /// <summary>The first eigenvalues as dots, the chosen gap shaded: c clusters = c eigenvalues before the widest (log-scale) gap.</summary>
    static void Spectrum(StringBuilder html, StrategySummary s)
    {
        const int w = 240, h = 150, pad = 28;
        var values = s.Eigenvalues;
        if (values.Count == 0) return;
        double top = Math.Max(1e-6, values.Max());
        string X(int i) => I(pad + (w - pad - 8) * (values.Count <= 1 ? 0 : i / (double)(values.Count - 1)));
        string Y(double v) => I(h - pad - (h - pad - 8) * Math.Clamp(v / top, 0, 1));
        int c = s.Clusters.Count;
        html.Append($"<figure><figcaption>Laplacian eigenvalues λ₀…λ{values.Count - 1}: widest gap after λ{c - 1} → {c} cluster{(c == 1 ? "" : "s")}</figcaption>")
            .Append($"<svg class=\"eigengap\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">")
            .Append($"<line x1=\"{pad}\" y1=\"{h - pad}\" x2=\"{w - 4}\" y2=\"{h - pad}\" stroke=\"#888\"/><line x1=\"{pad}\" y1=\"6\" x2=\"{pad}\" y2=\"{h - pad}\" stroke=\"#888\"/>")
            .Append($"<text x=\"2\" y=\"14\" font-size=\"10\">{F(top)}</text><text x=\"2\" y=\"{h - pad}\" font-size=\"10\">0</text>");
        if (c < values.Count)
            html.Append($"<rect x=\"{X(c - 1)}\" y=\"6\" width=\"{I((w - pad - 8) / Math.Max(1.0, values.Count - 1))}\" height=\"{h - pad - 6}\" fill=\"#d62728\" fill-opacity=\"0.12\"/>");
        html.Append($"<polyline points=\"{string.Join(' ', values.Select((v, i) => $"{X(i)},{Y(v)}"))}\" fill=\"none\" stroke=\"#1f77b4\"/>");
        foreach (var (v, i) in values.Select((v, i) => (v, i)))
            html.Append($"<circle cx=\"{X(i)}\" cy=\"{Y(v)}\" r=\"3\" fill=\"{(i < c ? "#d62728" : "#1f77b4")}\"><title>λ{i} = {v:F4}</title></circle>");
        html.Append($"<text x=\"{pad + 4}\" y=\"{h - 8}\" font-size=\"10\">k = {s.Neighbours} neighbours</text></svg></figure>");
    }

    /// <summary>The spectral embedding: each analysed image a dot in its cluster's colour, linking to it in the browser.</summary>
    static void Scatter(StringBuilder html, StrategyGroup group)
    {
        const int size = 220, pad = 10;
        var points = group.Points.Take(PointsShown).ToList();
        if (points.Count == 0) return;
        double minX = points.Min(p => p.X), maxX = points.Max(p => p.X), minY = points.Min(p => p.Y), maxY = points.Max(p => p.Y);
        string Sx(double v) => I(pad + (size - 2 * pad) * (maxX > minX ? (v - minX) / (maxX - minX) : 0.5));
        string Sy(double v) => I(size - pad - (size - 2 * pad) * (maxY > minY ? (v - minY) / (maxY - minY) : 0.5));
        html.Append("<figure><figcaption>Spectral embedding (2nd and 3rd eigenvectors), by cluster — a dot opens its image</figcaption>")
            .Append($"<svg class=\"scatter\" width=\"{size}\" height=\"{size}\" viewBox=\"0 0 {size} {size}\">");
        foreach (var p in points)
            html.Append($"<a href=\"browser.html#image={Uri.EscapeDataString(p.Image)}\"><circle cx=\"{Sx(p.X)}\" cy=\"{Sy(p.Y)}\" r=\"3.5\" fill=\"{Colour(p.Cluster)}\" ")
                .Append($"fill-opacity=\"0.75\"><title>{E(p.Image)} · cluster {p.Cluster}</title></circle></a>");
        html.Append("</svg></figure>");
    }

    /// <summary>The class atlas: mean and spread (standard deviation) of the normalised maps, and every centre of mass on the frame.</summary>
    static void Atlas(StringBuilder html, StrategyGroup group)
    {
        const int size = 128;
        html.Append($"<figure><figcaption>Atlas: mean map</figcaption>{MapImage(group.AtlasMean, group.MapSize, "mean map of the class")}</figure>")
            .Append($"<figure><figcaption>spread (std)</figcaption>{MapImage(group.AtlasSpread, group.MapSize, "spread of the class's maps")}</figure>")
            .Append($"<figure><figcaption>centres of mass</figcaption><svg class=\"centres\" width=\"{size}\" height=\"{size}\" viewBox=\"0 0 {size} {size}\">");
        foreach (var p in group.Points.Take(PointsShown))
            html.Append($"<circle cx=\"{I(p.Cx * size)}\" cy=\"{I(p.Cy * size)}\" r=\"2\" fill=\"{Colour(p.Cluster)}\" fill-opacity=\"0.6\"/>");
        html.Append("</svg></figure>");
    }

    static string Example(ImageRecord r)
    {
        var e = r.Explanations[0];
        var main = e.Heatmap?.Path ?? e.Overlay;
        if (main is null) return E(r.Name);
        return $"<a href=\"browser.html#image={Uri.EscapeDataString(r.Name)}\" title=\"{E(r.Name)}\"><img class=\"example\" src=\"{E(e.Overlay ?? main)}\" alt=\"{E(r.Name)}\"></a>";
    }

    /// <summary>An S×S map drawn in viridis (min–max), inline as a PNG.</summary>
    static string MapImage(float[] map, int size, string label) =>
        $"<img class=\"mean\" src=\"data:image/png;base64,{Convert.ToBase64String(HeatmapRenderer.HeatmapPng(map, size, HeatmapScaling.MinMax))}\" alt=\"{E(label)}\">";

    static string Colour(int cluster) => Colours[(cluster - 1) % Colours.Length];
    static string E(string s) => WebUtility.HtmlEncode(s);
    static string F(double v) => Invariant.Number(v, "F2");
    static string I(double v) => v.ToString("F1", CultureInfo.InvariantCulture);
}
