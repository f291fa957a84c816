namespace XaiVision.Engine.Strategies;

/// <summary>
/// When a strategy's relevance concentrates off the object. With masks: when the cluster's mean relevance density outside the object
/// is at least <see cref="DensityRatio"/> times its density on the object — off/(1 − area) ≥ ratio × (1 − off)/area — i.e. the object
/// gets no more relevance than its background would by area. Without masks: when one corner (1/64 of the frame) holds at least
/// <see cref="CornerShare"/> of it (16× its area), or one border band (1/8) at least <see cref="BandShare"/> (4× its area).
/// </summary>
public static class OffObjectFlag
{
    public const double DensityRatio = 1.0, CornerShare = 0.25, BandShare = 0.5;

    public static string? Reason(RelevanceLayout layout)
    {
        if (layout is { OffObject: { } off, ObjectArea: { } area } && area is > 0 and < 1)
        {
            double outside = off / (1 - area), inside = (1 - off) / area;
            if (outside < DensityRatio * inside) return null;
            var where = Border(layout) is { } border ? $"; {border}" : "";
            return $"{off:P0} of its relevance lies outside the object ({1 - area:P0} of the frame): denser off the object than on it{where}";
        }
        return Border(layout);
    }

    /// <summary>A corner or border band that holds a large share, in words; null if none does.</summary>
    static string? Border(RelevanceLayout layout)
    {
        var corner = layout.Corners.MaxBy(c => c.Value);
        if (corner.Value >= CornerShare) return $"{corner.Value:P0} of its relevance lies in the {corner.Key} corner (1/64 of the frame)";
        var band = layout.Bands.MaxBy(b => b.Value);
        return band.Value >= BandShare ? $"{band.Value:P0} of its relevance lies in the {band.Key} border band (1/8 of the frame)" : null;
    }
}
