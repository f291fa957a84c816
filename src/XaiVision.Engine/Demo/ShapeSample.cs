using XaiVision.Engine.Imaging;

namespace XaiVision.Engine.Demo;

/// <summary>One generated picture, its class, its ground-truth object mask (true = object pixel) and whether it carries the class tag.</summary>
public sealed record ShapeSample(RgbImage Image, bool[] Mask, ShapeKind Kind, bool Tagged = false)
{
    public int Label => (int)Kind;
}
