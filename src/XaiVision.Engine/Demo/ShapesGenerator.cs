using SkiaSharp;
using XaiVision.Engine.Imaging;

namespace XaiVision.Engine.Demo;

/// <summary>
/// The procedural "shapes" data set behind the demo model: one shape (circle, square, triangle,
/// star, cross) in a random colour, size, position and rotation over a textured, cluttered
/// background (colour gradient, pixel noise, random strokes and specks that are never one of the
/// classes). The mask is the shape's exact silhouette, rendered without anti-aliasing.
/// Sample i of seed s is always the same picture.
/// </summary>
public sealed class ShapesGenerator(int size = 64, double spuriousTagProbability = 0)
{
    public int Size { get; } = size;

    /// <summary>
    /// The biased variant behind the shortcut demo: with this probability a small square "tag" in the
    /// class's own colour sits in the top-left corner (outside the object mask), so the tag alone
    /// predicts the class in training. 0 = the clean data set (no random numbers are spent on it).
    /// </summary>
    public double SpuriousTagProbability { get; } = spuriousTagProbability;

    /// <summary>Tag colour per class (index = class id).</summary>
    public static readonly SKColor[] TagColours = [new(255, 0, 0), new(0, 200, 0), new(0, 0, 255), new(255, 255, 0), new(255, 0, 255)];

    public static IReadOnlyList<string> ClassNames { get; } = Enum.GetNames<ShapeKind>().Select(n => n.ToLowerInvariant()).ToList();

    public ShapeSample Generate(int seed, int index)
    {
        // System.Random with a seed is stable across runs and machines (HashCode is not).
        var random = new Random(unchecked(seed * 1_000_003 + index * 7_919 + 17));
        var kind = (ShapeKind)random.Next(ClassNames.Count);
        return Generate(random, kind);
    }

    public ShapeSample Generate(Random random, ShapeKind kind)
    {
        bool tagged = false;
        var info = new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        using (var canvas = new SKCanvas(bitmap))
        {
            DrawBackground(canvas, random);
            var background = Average(bitmap);
            var colour = ContrastingColour(random, background);
            using var path = ShapePath(kind, random);
            using var paint = new SKPaint { Color = colour, IsAntialias = true, Style = SKPaintStyle.Fill };
            canvas.DrawPath(path, paint);
            if (SpuriousTagProbability > 0 && random.NextDouble() < SpuriousTagProbability)
            {
                using var tag = new SKPaint { Color = TagColours[(int)kind], IsAntialias = false };
                canvas.DrawRect(1, 1, Size / 10f, Size / 10f, tag);
                tagged = true;
            }
            AddNoise(bitmap, random, 10);
            return new ShapeSample(SkiaPixels.ToRgb(bitmap), RenderMask(path), kind, tagged);
        }
    }

    void DrawBackground(SKCanvas canvas, Random random)
    {
        using (var gradient = new SKPaint())
        {
            gradient.Shader = SKShader.CreateLinearGradient(
                new SKPoint(0, 0), new SKPoint(Size * (float)random.NextDouble(), Size),
                [RandomColour(random, 40, 200), RandomColour(random, 40, 200)], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, Size, Size, gradient);
        }
        using var stroke = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke };
        for (int i = random.Next(3, 8); i > 0; i--)
        {
            stroke.Color = RandomColour(random, 0, 255).WithAlpha((byte)random.Next(90, 200));
            stroke.StrokeWidth = 0.8f + (float)random.NextDouble() * 1.6f;
            using var curve = new SKPath();
            curve.MoveTo(Point(random, -8, Size + 8));
            curve.QuadTo(Point(random, -8, Size + 8), Point(random, -8, Size + 8));
            canvas.DrawPath(curve, stroke);
        }
        using var speck = new SKPaint { IsAntialias = true };
        for (int i = random.Next(6, 16); i > 0; i--)
        {
            speck.Color = RandomColour(random, 0, 255).WithAlpha((byte)random.Next(100, 220));
            canvas.DrawOval(Point(random, 0, Size), new SKSize(0.6f + 1.6f * (float)random.NextDouble(), 0.6f + 1.6f * (float)random.NextDouble()), speck);
        }
    }

    SKPath ShapePath(ShapeKind kind, Random random)
    {
        float radius = Size * (0.14f + 0.16f * (float)random.NextDouble());
        float margin = radius + 2;
        float cx = margin + (float)random.NextDouble() * (Size - 2 * margin);
        float cy = margin + (float)random.NextDouble() * (Size - 2 * margin);
        float angle = (float)(random.NextDouble() * Math.PI * 2);
        var path = new SKPath();
        switch (kind)
        {
            case ShapeKind.Circle:
                path.AddCircle(cx, cy, radius);
                break;
            case ShapeKind.Square:
                Polygon(path, cx, cy, radius, 4, angle);
                break;
            case ShapeKind.Triangle:
                Polygon(path, cx, cy, radius * 1.1f, 3, angle);
                break;
            case ShapeKind.Star:
                var points = Enumerable.Range(0, 10).Select(i =>
                {
                    float r = i % 2 == 0 ? radius * 1.1f : radius * 0.45f;
                    double a = angle + i * Math.PI / 5;
                    return new SKPoint(cx + r * (float)Math.Cos(a), cy + r * (float)Math.Sin(a));
                }).ToArray();
                path.AddPoly(points, close: true);
                break;
            case ShapeKind.Cross:
                float arm = radius * 0.38f;
                var cross = new SKPath();
                cross.AddRect(new SKRect(-radius, -arm, radius, arm));
                cross.AddRect(new SKRect(-arm, -radius, arm, radius));
                var union = cross.Simplify() ?? cross;
                union.Transform(SKMatrix.CreateRotation(angle).PostConcat(SKMatrix.CreateTranslation(cx, cy)));
                path.AddPath(union);
                if (!ReferenceEquals(union, cross)) union.Dispose();
                cross.Dispose();
                break;
        }
        return path;
    }

    static void Polygon(SKPath path, float cx, float cy, float radius, int sides, float angle) =>
        path.AddPoly(Enumerable.Range(0, sides).Select(i =>
        {
            double a = angle + i * 2 * Math.PI / sides;
            return new SKPoint(cx + radius * (float)Math.Cos(a), cy + radius * (float)Math.Sin(a));
        }).ToArray(), close: true);

    bool[] RenderMask(SKPath path)
    {
        using var mask = new SKBitmap(new SKImageInfo(Size, Size, SKColorType.Gray8, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(mask))
        using (var paint = new SKPaint { Color = SKColors.White, IsAntialias = false, Style = SKPaintStyle.Fill })
        {
            canvas.Clear(SKColors.Black);
            canvas.DrawPath(path, paint);
        }
        var span = mask.GetPixelSpan();
        var result = new bool[Size * Size];
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
                result[y * Size + x] = span[y * mask.RowBytes + x] > 127;
        return result;
    }

    static void AddNoise(SKBitmap bitmap, Random random, int amplitude)
    {
        var pixels = bitmap.GetPixelSpan();
        var copy = pixels.ToArray();
        for (int i = 0; i < copy.Length; i++)
        {
            if (i % 4 == 3) continue;
            copy[i] = (byte)Math.Clamp(copy[i] + random.Next(-amplitude, amplitude + 1), 0, 255);
        }
        System.Runtime.InteropServices.Marshal.Copy(copy, 0, bitmap.GetPixels(), copy.Length);
    }

    static SKColor Average(SKBitmap bitmap)
    {
        var p = bitmap.GetPixelSpan();
        long r = 0, g = 0, b = 0;
        for (int i = 0; i < p.Length; i += 4) { r += p[i]; g += p[i + 1]; b += p[i + 2]; }
        long n = p.Length / 4;
        return new SKColor((byte)(r / n), (byte)(g / n), (byte)(b / n));
    }

    /// <summary>A random colour at least some distance from the background, so the shape is visible.</summary>
    static SKColor ContrastingColour(Random random, SKColor background)
    {
        for (int attempt = 0; ; attempt++)
        {
            var c = RandomColour(random, 0, 255);
            double distance = Math.Sqrt(Math.Pow(c.Red - background.Red, 2) + Math.Pow(c.Green - background.Green, 2) + Math.Pow(c.Blue - background.Blue, 2));
            if (distance > 120 || attempt > 50) return c;
        }
    }

    static SKColor RandomColour(Random random, int min, int max) =>
        new((byte)random.Next(min, max + 1), (byte)random.Next(min, max + 1), (byte)random.Next(min, max + 1));

    SKPoint Point(Random random, float min, float max) =>
        new(min + (float)random.NextDouble() * (max - min), min + (float)random.NextDouble() * (max - min));

    /// <summary>Writes the mask as an 8-bit grayscale PNG: 255 = object, 0 = background.</summary>
    public static byte[] MaskPng(bool[] mask, int size)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Gray8, SKAlphaType.Opaque));
        var bytes = new byte[bitmap.RowBytes * size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                bytes[y * bitmap.RowBytes + x] = mask[y * size + x] ? (byte)255 : (byte)0;
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, bitmap.GetPixels(), bytes.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
