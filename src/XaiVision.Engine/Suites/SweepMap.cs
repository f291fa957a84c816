namespace XaiVision.Engine.Suites;

/// <summary>
/// One method's map at one layer of the layer sweep, in the image's frame: a CAM at a block's output, or the LRP relevance at a
/// layer's input summed over channels (then <paramref name="RelevanceSum"/> is ΣR over the whole layer and <paramref name="Score"/>
/// the explained logit — conserving rules keep their ratio at 1). <paramref name="Map"/> is null for a dense layer's input (no
/// spatial layout), which still has its ΣR.
/// </summary>
public sealed record SweepMap(string Method, string Layer, float[]? Map, double? RelevanceSum = null, double? Score = null);
