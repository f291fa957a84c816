namespace XaiVision.Engine.Imaging;

/// <summary>How a raw map was scaled for display; written next to every overlay.</summary>
public enum HeatmapScaling
{
    /// <summary>(v − min) / (max − min), sequential colour map.</summary>
    MinMax,

    /// <summary>v / max |v|, diverging colour map centred on zero.</summary>
    Symmetric,
}
