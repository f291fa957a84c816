using SkiaSharp;
using static TorchSharp.torch;

namespace XaiVision.Engine.Imaging;

/// <summary>Resizes, crops and normalises images into model input tensors.</summary>
public static class ImagePreparer
{
    /// <summary>The RGB image the model sees (resized and cropped, not normalised).</summary>
    public static RgbImage ToModelView(RgbImage image, Preprocessing p)
    {
        if (image.Width == p.InputSize && image.Height == p.InputSize) return image;
        int shortSide = Math.Min(image.Width, image.Height);
        int newW = image.Width == shortSide ? p.ResizeTo : (int)((long)p.ResizeTo * image.Width / shortSide);
        int newH = image.Height == shortSide ? p.ResizeTo : (int)((long)p.ResizeTo * image.Height / shortSide);
        var resized = Resize(image, Math.Max(newW, p.InputSize), Math.Max(newH, p.InputSize));
        return CentreCrop(resized, p.InputSize);
    }

    public static RgbImage Resize(RgbImage image, int width, int height)
    {
        if (image.Width == width && image.Height == height) return image;
        using var src = SkiaPixels.ToBitmap(image);
        using var dst = src.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul), SKFilterQuality.High)
            ?? throw new XaiVisionException($"Could not resize a {image.Width}×{image.Height} image to {width}×{height}.");
        return SkiaPixels.ToRgb(dst);
    }

    public static RgbImage CentreCrop(RgbImage image, int size)
    {
        int top = (int)Math.Round((image.Height - size) / 2.0, MidpointRounding.ToEven);
        int left = (int)Math.Round((image.Width - size) / 2.0, MidpointRounding.ToEven);
        var crop = RgbImage.Create(size, size);
        for (int y = 0; y < size; y++)
            Array.Copy(image.Pixels, image.Offset(left, top + y), crop.Pixels, crop.Offset(0, y), size * 3);
        return crop;
    }

    /// <summary>[3,H,W] float32, normalised, on the CPU.</summary>
    public static Tensor ToTensor(RgbImage view, Preprocessing p)
    {
        int plane = view.Width * view.Height;
        var data = new float[3 * plane];
        var px = view.Pixels;
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++)
                data[c * plane + i] = p.Normalise(c, px[i * 3 + c] / 255f);
        return tensor(data, [3, view.Height, view.Width]);
    }

    /// <summary>[N,3,H,W] for a batch of model views.</summary>
    public static Tensor ToBatch(IReadOnlyList<RgbImage> views, Preprocessing p)
    {
        using var scope = NewDisposeScope();
        var batch = stack(views.Select(v => ToTensor(v, p)).ToArray());
        return batch.MoveToOuterDisposeScope();
    }
}
