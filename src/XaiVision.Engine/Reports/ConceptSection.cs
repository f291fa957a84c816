using System.Net;
using System.Text;

namespace XaiVision.Engine.Reports;

/// <summary>
/// report.html's "Concepts" section (Concept Relevance Propagation): per concept method and class, the channels that carry most of
/// the relevance at the conditioned layer, how consistently, whether their relevance lies on the object, and their reference images
/// as crops around where the channel is relevant (relevance maximisation over the audit); each crop opens its image in the browser.
/// Groups with an off-object concept come first; at most <see cref="GroupsShown"/> groups are drawn, the rest listed in one table.
/// </summary>
public static class ConceptSection
{
    public const int CropPixels = 72, GroupsShown = 40;

    public static void Append(StringBuilder html, JobReport report)
    {
        if (report.Concepts is not { Classes.Count: > 0 } atlas) return;
        var groups = atlas.Classes.OrderByDescending(g => g.Top.Any(c => c.OffObject)).ToList();
        int offObject = groups.Count(g => g.Top.Any(c => c.OffObject));
        html.Append("<h2 id=\"concepts\">Concepts (concept relevance propagation)</h2>")
            .Append("<p>Per concept method and class, the channels of the conditioned layer that carry the most relevance (CRP, Achtibat et al. 2023): ")
            .Append("<i>share</i> is the channel's mean share of the relevance there, <i>consistency</i> how often it is among a map's three most relevant, ")
            .Append("<i>on object</i> (images with masks) how much of its relevance lies on the object; ")
            .Append("a concept mostly <b class=\"fail\">off the object</b> is a shortcut candidate. ")
            .Append("References: the audit's images where the channel's share is largest, cropped where it is relevant, each followed by the ")
            .Append("concept's own conditional heatmap over the same window where the image's map was conditioned on that channel alone. ")
            .Append($"<b>{offObject}</b> of {groups.Count} method/class groups have an off-object concept among their top {ConceptCollector.ConceptsShown}. ")
            .Append("Every number is in <code>report.json</code> (<code>concepts</code>).</p>");
        foreach (var change in atlas.Changes ?? []) AppendChange(html, atlas, change);
        foreach (var group in groups.Take(GroupsShown))
        {
            html.Append($"<h3>{E(group.Method)} · {E(group.Class)}</h3><p>layer <code>{E(group.Layer)}</code>, {group.Maps} maps</p>")
                .Append("<table class=\"concepts\"><tr><th>channel</th><th>share</th><th>consistency</th><th>on object</th><th>reference images</th></tr>");
            foreach (var c in group.Top)
                html.Append($"<tr{(c.OffObject ? " class=\"flagged\"" : "")}><td>{c.Channel}</td><td>{c.MeanShare:P1}</td><td>{c.Consistency:P0}</td>")
                    .Append($"<td>{(c.OnObject is { } on ? $"{on:P0}{(c.OffObject ? " <span class=\"fail\">off the object</span>" : "")}" : "–")}</td>")
                    .Append($"<td style=\"text-align:left\">{string.Concat(atlas.ReferencesOf(group.Method, c.Channel).Select(Crop))}</td></tr>");
            html.Append("</table>");
        }
        if (groups.Count <= GroupsShown) return;
        html.Append("<table id=\"more-concepts\"><tr><th>method</th><th>class</th><th>maps</th><th>top concepts (share)</th></tr>");
        foreach (var g in groups.Skip(GroupsShown))
            html.Append($"<tr><td>{E(g.Method)}</td><td>{E(g.Class)}</td><td>{g.Maps}</td><td>{string.Join(", ", g.Top.Select(c => $"{c.Channel} ({c.MeanShare:P0})"))}</td></tr>");
        html.Append("</table>");
    }

    /// <summary>
    /// Against the baseline run: the concepts only this run uses (with their references: a new shortcut shows itself here), the ones
    /// only the baseline used, and which concept became which.
    /// </summary>
    static void AppendChange(StringBuilder html, ConceptAtlas atlas, ConceptChange change)
    {
        html.Append($"<h3 id=\"concept-changes\">{E(change.Method)} against the baseline run</h3>")
            .Append($"<p>Concepts matched by what they do on the {change.ProbeImages} probe images both runs kept (where one is relevant, weighted by how much, ")
            .Append($"the other relevant on the same image in the same window: coverage ≥ {ConceptComparison.Threshold:F1}); channel numbers of two models are not comparable. ")
            .Append($"<b>{change.New.Count}</b> new, <b>{change.Vanished.Count}</b> vanished, {change.Matched.Count} matched")
            .Append(change.Matched.Count == 0 ? "." : ": " + string.Join(", ", change.Matched.Select(m => $"{m.Baseline}→{m.Candidate} ({ConceptComparison.Format(m.Coverage)})")) + ".")
            .Append(change.Uncompared.Count + change.UncomparedBaseline == 0 ? "" : $" Not compared (located on fewer than {ConceptComparison.MinProbeImages} "
                + $"probe images, too little to say): {change.Uncompared.Count} of this run's concepts"
                + (change.Uncompared.Count == 0 ? "" : $" ({string.Join(", ", change.Uncompared.Select(u => $"#{u.Channel}"))})") + $", {change.UncomparedBaseline} of the baseline's.")
            .Append("</p>");
        void Table(string title, IReadOnlyList<ConceptUse> uses, bool pictures)
        {
            if (uses.Count == 0) return;
            html.Append($"<table class=\"concepts\"><tr><th>{title}</th><th>classes</th><th>share</th><th>on object</th><th>best coverage</th>")
                .Append(pictures ? "<th>reference images</th></tr>" : "</tr>");
            foreach (var u in uses)
            {
                bool off = u.OnObject < 0.5;
                html.Append($"<tr{(off ? " class=\"flagged\"" : "")}><td>{u.Channel}</td><td>{E(string.Join(", ", u.Classes))}</td><td>{u.MeanShare:P1}</td>")
                    .Append($"<td>{(u.OnObject is { } on ? $"{on:P0}{(off ? " <span class=\"fail\">off the object</span>" : "")}" : "–")}</td><td>{ConceptComparison.Format(u.BestCoverage)}</td>")
                    .Append(pictures ? $"<td style=\"text-align:left\">{string.Concat(atlas.ReferencesOf(change.Method, u.Channel).Select(Crop))}</td></tr>" : "</tr>");
            }
            html.Append("</table>");
        }
        Table("new concept", change.New, true);
        Table("vanished concept (baseline's channel)", change.Vanished, false);
    }

    /// <summary>The reference's window of its model-view picture and, when kept, of its conditional map's overlay.</summary>
    static string Crop(ConceptReference r)
    {
        if (r.Input is null || r.Width == 0) return $"<span class=\"crop\" title=\"{E(r.Image)}\">{E(r.Image)}</span>";
        var title = $"{r.Image} ({r.Class}, share {r.Share:P0})";
        return Window(r, r.Input, title) + (r.Heatmap is { } heatmap ? Window(r, heatmap, title + ", its conditional heatmap") : "");
    }

    /// <summary>The window of a model-view-sized picture, drawn <see cref="CropPixels"/> wide by CSS (no picture is cut here).</summary>
    static string Window(ConceptReference r, string picture, string title)
    {
        double scale = CropPixels / (double)r.Box.Size;
        return $"<a href=\"browser.html#image={Uri.EscapeDataString(r.Image)}\" title=\"{E(title)}\" "
            + $"style=\"display:inline-block;width:{CropPixels}px;height:{CropPixels}px;overflow:hidden;position:relative;margin:2px\">"
            + $"<img class=\"crop\" src=\"{E(picture)}\" alt=\"{E(r.Image)}\" style=\"position:absolute;max-width:none;"
            + $"width:{Invariant.Number(r.Width * scale, "F1")}px;height:{Invariant.Number(r.Height * scale, "F1")}px;"
            + $"left:{Invariant.Number(-r.Box.X * scale, "F1")}px;top:{Invariant.Number(-r.Box.Y * scale, "F1")}px\"></a>";
    }

    static string E(string s) => WebUtility.HtmlEncode(s);
}
