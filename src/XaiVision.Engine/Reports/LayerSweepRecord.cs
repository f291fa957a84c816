namespace XaiVision.Engine.Reports;

/// <summary>
/// One image's layer sweep: <paramref name="Strip"/> (a row per method, its layers left to right), per method the raw maps
/// (<c>sweep/&lt;method&gt;.npy</c>, float32 [layers, H, W] in the order of that method's layers with maps), and every (method, layer)
/// with ΣR and the explained logit for LRP methods.
/// </summary>
public sealed record LayerSweepRecord(string? Strip, IReadOnlyDictionary<string, string>? Raw, IReadOnlyList<SweepLayer> Layers);

/// <summary>A method at a layer: ΣR and the logit for LRP (their ratio is 1 where relevance is conserved); <paramref name="RawIndex"/> in its .npy.</summary>
public sealed record SweepLayer(string Method, string Layer, int? RawIndex, double? RelevanceSum = null, double? Score = null)
{
    public double? ShareOfScore => RelevanceSum is { } r && Score is { } s && s != 0 ? r / s : null;
}

/// <summary>Through the network, over a job: per LRP method and layer, the median and p10–p90 of ΣR / logit over the images.</summary>
public sealed record LayerConservation(string Method, string Layer, double Median, double P10, double P90, int Images);
