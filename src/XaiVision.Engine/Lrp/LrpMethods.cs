using XaiVision.Engine.Explainers;
using XaiVision.Engine.Lrp.Composites;

namespace XaiVision.Engine.Lrp;

/// <summary>Method strings → LRP explainers: <c>lrp-epsilon</c>, <c>lrp-composite</c>, <c>lrp:&lt;preset&gt;(…)</c>, <c>lrp:attnlrp</c>.</summary>
public static class LrpMethods
{
    public static bool Handles(string name) => name is "lrp-epsilon" or "lrp-composite" || name.StartsWith("lrp:", StringComparison.Ordinal);

    public static LrpExplainer Create(MethodSpec spec) =>
        WithRules(spec.Name.StartsWith("lrp:", StringComparison.Ordinal) ? spec.Name["lrp:".Length..] : spec.Name["lrp-".Length..], spec,
            spec.Name.StartsWith("lrp:") ? spec.Name.Replace(':', '-') : spec.Name);

    /// <summary>The LRP explainer of one rule set — <c>epsilon</c>, <c>composite</c> or a Zennit preset — its parameters read from <paramref name="spec"/>.</summary>
    public static LrpExplainer WithRules(string rules, MethodSpec spec, string name)
    {
        var composite = rules switch
        {
            "epsilon" => CompositePresets.Epsilon(spec),
            "composite" => CompositePresets.LrpComposite(spec),
            "attnlrp" => CompositePresets.AttnLrp(spec),
            _ => CompositePresets.Zennit(rules, spec),
        };
        var parameters = new Dictionary<string, string> { ["composite"] = composite.Name };
        for (int i = 0; i < composite.Entries.Count; i++) parameters[$"rule{i + 1}"] = composite.Entries[i].Matches;
        return new LrpExplainer(name, composite, parameters);
    }
}
