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
            .Append("References: the audit's images where the channel's share is largest, cropped where it is relevant. ")
            .Append($"<b>{offObject}</b> of {groups.Count} method/class groups have an off-object concept among their top {ConceptCollector.ConceptsShown}. ")
            .Append("Every number is in <code>report.json</code> (<code>concepts</code>).</p>");
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

    /// <summary>The reference's window of its model-view picture, drawn <see cref="CropPixels"/> wide by CSS (no picture is cut here).</summary>
    static string Crop(ConceptReference r)
    {
        if (r.Input is null || r.Width == 0) return $"<span class=\"crop\" title=\"{E(r.Image)}\">{E(r.Image)}</span>";
        double scale = CropPixels / (double)r.Box.Size;
        return $"<a href=\"browser.html#image={Uri.EscapeDataString(r.Image)}\" title=\"{E(r.Image)} ({E(r.Class)}, share {r.Share:P0})\" "
            + $"style=\"display:inline-block;width:{CropPixels}px;height:{CropPixels}px;overflow:hidden;position:relative;margin:2px\">"
            + $"<img class=\"crop\" src=\"{E(r.Input)}\" alt=\"{E(r.Image)}\" style=\"position:absolute;max-width:none;"
            + $"width:{Invariant.Number(r.Width * scale, "F1")}px;height:{Invariant.Number(r.Height * scale, "F1")}px;"
            + $"left:{Invariant.Number(-r.Box.X * scale, "F1")}px;top:{Invariant.Number(-r.Box.Y * scale, "F1")}px\"></a>";
    }

    static string E(string s) => WebUtility.HtmlEncode(s);
}
