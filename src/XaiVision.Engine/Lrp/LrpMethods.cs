using XaiVision.Engine.Explainers;
using XaiVision.Engine.Lrp.Composites;

namespace XaiVision.Engine.Lrp;

/// <summary>Method strings → LRP explainers: <c>lrp-epsilon</c>, <c>lrp-composite</c>, <c>lrp:&lt;preset&gt;(…)</c>.</summary>
public static class LrpMethods
{
    public static bool Handles(string name) => name is "lrp-epsilon" or "lrp-composite" || name.StartsWith("lrp:", StringComparison.Ordinal);

    public static LrpExplainer Create(MethodSpec spec)
    {
        var composite = spec.Name switch
        {
            "lrp-epsilon" or "lrp:epsilon" => CompositePresets.Epsilon(spec),
            "lrp-composite" or "lrp:composite" => CompositePresets.LrpComposite(spec),
            _ => CompositePresets.Zennit(spec.Name["lrp:".Length..], spec),
        };
        var parameters = new Dictionary<string, string> { ["composite"] = composite.Name };
        for (int i = 0; i < composite.Entries.Count; i++) parameters[$"rule{i + 1}"] = composite.Entries[i].Matches;
        var name = spec.Name.StartsWith("lrp:") ? spec.Name.Replace(':', '-') : spec.Name;
        return new LrpExplainer(name, composite, parameters);
    }
}
