using SkiaSharp;
using static TorchSharp.torch;

namespace XaiVision.Engine.Imaging;

/// <summary>Resizes, crops and normalises images into model input tensors.</summary>
public static class ImagePreparer
{
    /// <summary>The RGB image the model sees (resized and cropped as <see cref="Preprocessing.Mode"/> says, not normalised).</summary>
    public static RgbImage ToModelView(RgbImage image, Preprocessing p) => p.Mode switch
    {
        PreprocessMode.Resize => WithinLimits(ResizeShorterSide(image, p.InputSize), image, p),
        PreprocessMode.None => WithinLimits(image, image, p),
        _ => ResizeAndCrop(image, p),
    };

    static RgbImage ResizeAndCrop(RgbImage image, Preprocessing p)
    {
        if (image.Width == p.InputSize && image.Height == p.InputSize) return image;
        int shortSide = Math.Min(image.Width, image.Height);
        int newW = image.Width == shortSide ? p.ResizeTo : (int)((long)p.ResizeTo * image.Width / shortSide);
        int newH = image.Height == shortSide ? p.ResizeTo : (int)((long)p.ResizeTo * image.Height / shortSide);
        var resized = Resize(image, Math.Max(newW, p.InputSize), Math.Max(newH, p.InputSize));
        return CentreCrop(resized, p.InputSize);
    }

    /// <summary>The shorter side to <paramref name="side"/>, the aspect ratio kept (rounded to whole pixels).</summary>
    public static RgbImage ResizeShorterSide(RgbImage image, int side)
    {
        double scale = side / (double)Math.Min(image.Width, image.Height);
        return Resize(image, Math.Max(side, (int)Math.Round(image.Width * scale)), Math.Max(side, (int)Math.Round(image.Height * scale)));
    }

    static RgbImage WithinLimits(RgbImage view, RgbImage original, Preprocessing p)
    {
        string how = p.Mode == PreprocessMode.None ? "at its native size" : $"with its shorter side at {p.InputSize} px";
        if (Math.Max(view.Width, view.Height) > p.MaxSide)
            throw new XaiVisionException($"The image is {original.Width}×{original.Height}; {how} it would be {view.Width}×{view.Height}, over the input-size limit of " +
                $"{p.MaxSide} px per side (memory grows with the pixel count): use preprocess resize or resize-crop, or raise the limit.");
        if (Math.Min(view.Width, view.Height) < p.MinSide)
            throw new XaiVisionException($"The image is {original.Width}×{original.Height}; {how} it would be {view.Width}×{view.Height}, below the {p.MinSide} px per side " +
                "the network needs: use preprocess resize or resize-crop.");
        return view;
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
