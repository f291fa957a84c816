namespace XaiVision.Engine.Imaging;

/// <summary>Encodes RGB images for output.</summary>
public static class ImageEncoding
{
    public static byte[] Png(RgbImage image) => SkiaPixels.EncodePng(image);
}
