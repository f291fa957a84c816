namespace XaiVision.Engine.Imaging;

/// <summary>How a raw map was scaled for display; written next to every overlay.</summary>
public enum HeatmapScaling
{
    /// <summary>(v − min) / (max − min), sequential colour map.</summary>
    MinMax,

    /// <summary>
    /// v / q, clipped to [−1, 1], where q is the 98th percentile of |v| (Captum's default
    /// <c>outlier_perc = 2</c>); diverging colour map centred on zero.
    /// </summary>
    Symmetric,
}
