using XaiVision.Engine.Imaging;

namespace XaiVision.Engine.Demo;

/// <summary>One generated picture, its class and its ground-truth object mask (true = object pixel).</summary>
public sealed record ShapeSample(RgbImage Image, bool[] Mask, ShapeKind Kind)
{
    public int Label => (int)Kind;
}
