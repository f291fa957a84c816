using System.Runtime.InteropServices;
using SkiaSharp;

namespace XaiVision.Engine.Imaging;

/// <summary>Copies between our RGB buffers and Skia's RGBA8888 bitmaps.</summary>
internal static class SkiaPixels
{
    public static RgbImage ToRgb(SKBitmap bitmap)
    {
        var rgba = bitmap.GetPixelSpan();
        var image = RgbImage.Create(bitmap.Width, bitmap.Height);
        var rgb = image.Pixels;
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
        {
            rgb[j] = rgba[i];
            rgb[j + 1] = rgba[i + 1];
            rgb[j + 2] = rgba[i + 2];
        }
        return image;
    }

    public static SKBitmap ToBitmap(RgbImage image)
    {
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var rgba = new byte[image.Width * image.Height * 4];
        for (int i = 0, j = 0; j < image.Pixels.Length; i += 4, j += 3)
        {
            rgba[i] = image.Pixels[j];
            rgba[i + 1] = image.Pixels[j + 1];
            rgba[i + 2] = image.Pixels[j + 2];
            rgba[i + 3] = 255;
        }
        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }

    public static byte[] EncodePng(RgbImage image)
    {
        using var bitmap = ToBitmap(image);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
