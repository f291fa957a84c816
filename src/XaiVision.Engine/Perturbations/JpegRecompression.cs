using SkiaSharp;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using static TorchSharp.torch;

namespace XaiVision.Engine.Perturbations;

/// <summary>JPEG re-compression at <c>quality</c> (1–100) and decoding again.</summary>
public sealed class JpegRecompression(MethodSpec spec) : IPerturbation
{
    readonly int _quality = spec.Int("quality", 30, 1, 100);

    public string Name => "jpeg";

    public IReadOnlyDictionary<string, string> Parameters => new Dictionary<string, string> { ["quality"] = _quality.ToString() };

    public Tensor Apply(PerturbationInput input) => PixelSpace.EditImages(input.Images, input.Preprocessing, (_, image) =>
    {
        using var bitmap = SkiaPixels.ToBitmap(image);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, _quality);
        return ImageDecoder.Decode(data.ToArray(), "jpeg re-compression");
    });
}
