using XaiVision.Engine.Lrp.Rules;

namespace XaiVision.Engine.Lrp.Composites;

/// <summary>One row of a composite: which layers (described for humans) get which rule (null = plain gradient, i.e. LRP-0).</summary>
public sealed record CompositeEntry(string Matches, Func<LayerInfo, bool> Predicate, Func<LayerInfo, ILrpRule?> Rule);
