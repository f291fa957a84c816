using XaiVision.Engine.Imaging;
using static TorchSharp.torch;

namespace XaiVision.Engine.Perturbations;

/// <summary>Pixel-space conversions for metrics that build substrates.</summary>
public static class PixelSpaceAccess
{
    public static Tensor ToNormalised(Tensor pixels, Preprocessing p) => PixelSpace.ToNormalised(pixels, p);

    public static Tensor ToPixels(Tensor normalised, Preprocessing p) => PixelSpace.ToPixels(normalised, p);
}
