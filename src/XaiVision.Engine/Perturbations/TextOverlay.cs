using SkiaSharp;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using static TorchSharp.torch;

namespace XaiVision.Engine.Perturbations;

/// <summary>
/// A distracting text drawn with Skia: <c>text</c>, <c>size</c> (text height as a fraction of the side),
/// <c>colour</c> (hex RRGGBB), <c>x</c>/<c>y</c> (baseline start as fractions) and <c>opacity</c>.
/// Needs a font on the machine (Debian: fonts-dejavu-core); without one it fails instead of drawing nothing.
/// </summary>
public sealed class TextOverlay : IPerturbation
{
    readonly string _text;
    readonly double _size, _x, _y, _opacity;
    readonly SKColor _colour;
    readonly string _colourText;

    public TextOverlay(MethodSpec spec)
    {
        _text = spec.String("text") ?? "XAI";
        _size = spec.Double("size", 0.3, 0.01, 2);
        _x = spec.Double("x", 0.05, -1, 1);
        _y = spec.Double("y", 0.95, 0, 2);
        _opacity = spec.Double("opacity", 1, 0, 1);
        _colourText = spec.String("colour") ?? "ffffff";
        if (!SKColor.TryParse("#" + _colourText.TrimStart('#'), out _colour))
            throw new XaiVisionException($"Perturbation 'text': colour must be hex RRGGBB, got '{_colourText}'.");
    }

    public string Name => "text";

    public IReadOnlyDictionary<string, string> Parameters => new Dictionary<string, string>
    {
        ["text"] = _text,
        ["size"] = F(_size),
        ["x"] = F(_x),
        ["y"] = F(_y),
        ["opacity"] = F(_opacity),
        ["colour"] = _colourText,
    };

    static string F(double v) => Invariant.Number(v);

    public Tensor Apply(PerturbationInput input) => PixelSpace.EditImages(input.Images, input.Preprocessing, (_, image) => Draw(image));

    RgbImage Draw(RgbImage image)
    {
        using var bitmap = SkiaPixels.ToBitmap(image);
        using (var canvas = new SKCanvas(bitmap))
        using (var typeface = SKFontManager.Default.MatchFamily("DejaVu Sans", SKFontStyle.Bold) ?? SKTypeface.Default)
        using (var paint = new SKPaint { IsAntialias = true, Typeface = typeface, TextSize = (float)(_size * image.Height), Color = _colour.WithAlpha((byte)Math.Round(255 * _opacity)) })
        {
            if (paint.MeasureText(_text) <= 0 || typeface.GlyphCount == 0)
                throw new XaiVisionException("Perturbation 'text' found no font to draw with; install one (Debian: apt-get install fonts-dejavu-core).");
            canvas.DrawText(_text, (float)(_x * image.Width), (float)(_y * image.Height), paint);
        }
        return SkiaPixels.ToRgb(bitmap);
    }
}
