using TorchSharp;
using XaiVision.Engine.Imaging;
using static TorchSharp.torch;

namespace XaiVision.Engine.Perturbations;

/// <summary>Between normalised model input and pixel values in [0, 1].</summary>
public static class PixelSpace
{
    static Tensor Channels(float[] values, Tensor like) => tensor(values, dtype: like.dtype, device: like.device).view(1, -1, 1, 1);

    public static Tensor ToPixels(Tensor normalised, Preprocessing p) => normalised * Channels(p.Std, normalised) + Channels(p.Mean, normalised);

    public static Tensor ToNormalised(Tensor pixels, Preprocessing p) => (pixels - Channels(p.Mean, pixels)) / Channels(p.Std, pixels);

    /// <summary>Runs a pixel-space edit on normalised images.</summary>
    public static Tensor Edit(Tensor normalised, Preprocessing p, Func<Tensor, Tensor> edit)
    {
        using var scope = NewDisposeScope();
        return ToNormalised(edit(ToPixels(normalised, p)), p).MoveToOuterDisposeScope();
    }

    /// <summary>8-bit RGB images of normalised model input [N,3,H,W].</summary>
    public static List<RgbImage> ToImages(Tensor normalised, Preprocessing p)
    {
        using var scope = NewDisposeScope();
        var pixels = ToPixels(normalised, p).clamp(0, 1).mul(255).round().to(ScalarType.Byte).permute(0, 2, 3, 1).contiguous().cpu();
        long n = pixels.shape[0], h = pixels.shape[1], w = pixels.shape[2];
        var bytes = pixels.data<byte>().ToArray();
        return Enumerable.Range(0, (int)n).Select(i => new RgbImage((int)w, (int)h, bytes.AsSpan((int)(i * h * w * 3), (int)(h * w * 3)).ToArray())).ToList();
    }

    /// <summary>Per-image RGB round trip for edits that need Skia (text, JPEG).</summary>
    public static Tensor EditImages(Tensor normalised, Preprocessing p, Func<int, RgbImage, RgbImage> edit)
    {
        using var scope = NewDisposeScope();
        var views = ToImages(normalised, p).Select((image, i) => edit(i, image)).ToList();
        return ImagePreparer.ToBatch(views, p with { InputSize = views[0].Width }).to(normalised.device).MoveToOuterDisposeScope();
    }

    /// <summary>Per-channel Gaussian blur with replicate padding.</summary>
    public static Tensor GaussianBlur(Tensor images, double sigma)
    {
        using var scope = NewDisposeScope();
        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var taps = Enumerable.Range(-radius, 2 * radius + 1).Select(d => Math.Exp(-d * d / (2 * sigma * sigma))).ToArray();
        double sum = taps.Sum();
        var kernel = tensor(taps.Select(t => (float)(t / sum)).ToArray(), dtype: images.dtype, device: images.device);
        long c = images.shape[1];
        var horizontal = kernel.view(1, 1, 1, -1).expand(c, 1, 1, kernel.shape[0]).contiguous();
        var vertical = kernel.view(1, 1, -1, 1).expand(c, 1, kernel.shape[0], 1).contiguous();
        var padded = nn.functional.pad(images, [radius, radius, radius, radius], PaddingModes.Replicate);
        var blurred = nn.functional.conv2d(nn.functional.conv2d(padded, horizontal, groups: c), vertical, groups: c);
        return blurred.MoveToOuterDisposeScope();
    }
}
