using SkiaSharp;

namespace XaiVision.Engine.Imaging;

/// <summary>
/// Decodes PNG, JPEG, BMP, WebP and GIF (first frame) to RGB, honouring EXIF orientation.
/// Grayscale, 16-bit and CMYK inputs are converted by Skia; alpha is dropped (as PIL's
/// <c>convert("RGB")</c> does). Dimensions are checked against the limits before any pixel is decoded.
/// </summary>
public static class ImageDecoder
{
    public static RgbImage DecodeFile(string path, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        return Decode(ReadFile(path, limits.MaxBytes), path, limits);
    }

    /// <summary>
    /// A file's bytes, refusing what is not a readable regular file: a dangling link, a FIFO or a device (their stat size is 0,
    /// and opening a FIFO would block until a writer came), a folder, a file over the limit, or one the OS will not let us read.
    /// </summary>
    public static byte[] ReadFile(string path, long maxBytes)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is not { Exists: true })
            throw new XaiVisionException($"'{path}' is a link to a file that does not exist.");
        if (!info.Exists) throw new XaiVisionException($"'{path}' does not exist.");
        if (info.Length == 0) throw new XaiVisionException($"'{path}' is empty (0 bytes) or not a regular file.");
        if (info.Length > maxBytes)
            throw new XaiVisionException($"'{path}' is {info.Length:N0} bytes, over the limit of {maxBytes:N0}.");
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new XaiVisionException($"'{path}' cannot be read: {e.Message}");
        }
    }

    public static RgbImage Decode(byte[] bytes, string name, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        if (bytes.Length == 0) throw new XaiVisionException($"Image '{name}' is empty (0 bytes) or not a regular file.");
        if (bytes.Length > limits.MaxBytes)
            throw new XaiVisionException($"Image '{name}' is {bytes.Length:N0} bytes, over the limit of {limits.MaxBytes:N0}.");

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new XaiVisionException($"'{name}' is not a decodable image (PNG, JPEG, BMP, WebP or GIF expected).");
        var width = codec.Info.Width;
        var height = codec.Info.Height;
        if (width <= 0 || height <= 0)
            throw new XaiVisionException($"Image '{name}' declares no pixels ({width}×{height}).");
        if ((long)width * height > limits.MaxPixels)
            throw new XaiVisionException($"Image '{name}' is {width}×{height} = {(long)width * height:N0} pixels, over the limit of {limits.MaxPixels:N0}.");

        var target = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(target);
        var result = codec.GetPixels(target, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw new XaiVisionException($"Image '{name}' could not be decoded: {result}.");
        if (result == SKCodecResult.IncompleteInput)
            throw new XaiVisionException($"Image '{name}' is truncated (incomplete input).");

        var rgb = SkiaPixels.ToRgb(bitmap);
        return Orient(rgb, codec.EncodedOrigin);
    }

    /// <summary>Applies an EXIF orientation (1–8) so the result is upright.</summary>
    public static RgbImage Orient(RgbImage src, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or 0) return src;
        int w = src.Width, h = src.Height;
        bool swaps = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var dst = RgbImage.Create(swaps ? h : w, swaps ? w : h);
        for (int y = 0; y < dst.Height; y++)
            for (int x = 0; x < dst.Width; x++)
            {
                var (sx, sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (w - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, h - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (y, h - 1 - x),
                    SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x),
                    SKEncodedOrigin.LeftBottom => (w - 1 - y, x),
                    _ => (x, y),
                };
                Array.Copy(src.Pixels, src.Offset(sx, sy), dst.Pixels, dst.Offset(x, y), 3);
            }
        return dst;
    }
}
