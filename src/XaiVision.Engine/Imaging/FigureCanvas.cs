using SkiaSharp;

namespace XaiVision.Engine.Imaging;

/// <summary>
/// A grid of captioned pictures on white (the seed notebook's matplotlib subplots, drawn with Skia): a title line, then rows of cells,
/// each a picture scaled to the cell height (192 px by default) (nearest neighbour: map pixels stay sharp) with up to two caption lines under it.
/// </summary>
public sealed class FigureCanvas
{
    public const int DefaultCellHeight = 192;
    const int Gap = 8, CaptionLine = 15, TitleHeight = 26;

    public sealed record Cell(RgbImage Picture, string Caption, string? Detail = null);

    public static byte[] Grid(string title, IReadOnlyList<IReadOnlyList<Cell>> rows, int cellHeight = DefaultCellHeight)
    {
        int Width(Cell c) => (int)Math.Round(c.Picture.Width * (cellHeight / (double)c.Picture.Height));
        int columns = rows.Max(r => r.Count);
        var columnWidths = Enumerable.Range(0, columns).Select(c => rows.Where(r => r.Count > c).Max(r => Width(r[c]))).ToArray();
        int rowHeight = cellHeight + 2 * CaptionLine + Gap;
        int width = Gap + columnWidths.Sum(w => w + Gap);
        int height = TitleHeight + rows.Count * rowHeight + Gap;
        using var surface = SKSurface.Create(new SKImageInfo(Math.Max(width, 320), height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var typeface = SKFontManager.Default.MatchFamily("DejaVu Sans") ?? SKTypeface.Default;
        using var titlePaint = new SKPaint { IsAntialias = true, Typeface = typeface, TextSize = 15, Color = SKColors.Black, FakeBoldText = true };
        using var textPaint = new SKPaint { IsAntialias = true, Typeface = typeface, TextSize = 12, Color = new SKColor(0x33, 0x33, 0x33) };
        using var sharp = new SKPaint { FilterQuality = SKFilterQuality.None };
        canvas.DrawText(Fit(title, width - 2 * Gap, titlePaint), Gap, 18, titlePaint);
        for (int r = 0; r < rows.Count; r++)
        {
            int x = Gap, y = TitleHeight + r * rowHeight;
            for (int c = 0; c < rows[r].Count; c++)
            {
                var cell = rows[r][c];
                using (var bitmap = SkiaPixels.ToBitmap(cell.Picture))
                    canvas.DrawBitmap(bitmap, SKRect.Create(x, y, Width(cell), cellHeight), sharp);
                canvas.DrawText(Fit(cell.Caption, columnWidths[c], textPaint), x, y + cellHeight + CaptionLine - 2, textPaint);
                if (cell.Detail is { } detail) canvas.DrawText(Fit(detail, columnWidths[c], textPaint), x, y + cellHeight + 2 * CaptionLine - 2, textPaint);
                x += columnWidths[c] + Gap;
            }
        }
        return Encode(surface);
    }

    /// <summary>A line chart: one series per name, x in [0, 1], y in [0, 1] (fraction masked → confidence), with axes and a legend.</summary>
    public static byte[] Lines(string title, string xCaption, string yCaption, IReadOnlyList<(string Name, IReadOnlyList<(double X, double Y)> Points)> series)
    {
        const int width = 620, height = 360, left = 56, right = 190, top = 34, bottom = 44;
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var typeface = SKFontManager.Default.MatchFamily("DejaVu Sans") ?? SKTypeface.Default;
        using var text = new SKPaint { IsAntialias = true, Typeface = typeface, TextSize = 12, Color = new SKColor(0x33, 0x33, 0x33) };
        using var titlePaint = new SKPaint { IsAntialias = true, Typeface = typeface, TextSize = 15, Color = SKColors.Black, FakeBoldText = true };
        using var axis = new SKPaint { IsAntialias = true, Color = new SKColor(0x88, 0x88, 0x88), StrokeWidth = 1, Style = SKPaintStyle.Stroke };
        float plotW = width - left - right, plotH = height - top - bottom;
        SKPoint At(double x, double y) => new((float)(left + Math.Clamp(x, 0, 1) * plotW), (float)(top + (1 - Math.Clamp(y, 0, 1)) * plotH));
        canvas.DrawText(Fit(title, width - 16, titlePaint), 8, 20, titlePaint);
        canvas.DrawRect(left, top, plotW, plotH, axis);
        for (int t = 0; t <= 4; t++)
        {
            var label = (t / 4.0).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
            canvas.DrawText(label, At(t / 4.0, 0).X - text.MeasureText(label) / 2, top + plotH + 15, text);
            canvas.DrawText(label, left - 34, At(0, t / 4.0).Y + 4, text);
        }
        canvas.DrawText(xCaption, left + plotW / 2 - 60, height - 8, text);
        canvas.Save();
        canvas.RotateDegrees(-90, 14, top + plotH / 2 + 60);
        canvas.DrawText(yCaption, 14, top + plotH / 2 + 60, text);
        canvas.Restore();
        for (int s = 0; s < series.Count; s++)
        {
            var colour = Palette[s % Palette.Length];
            using var line = new SKPaint { IsAntialias = true, Color = colour, StrokeWidth = 2.5f, Style = SKPaintStyle.Stroke };
            using var dot = new SKPaint { IsAntialias = true, Color = colour, Style = SKPaintStyle.Fill };
            var points = series[s].Points.OrderBy(p => p.X).Select(p => At(p.X, p.Y)).ToArray();
            for (int i = 1; i < points.Length; i++) canvas.DrawLine(points[i - 1], points[i], line);
            foreach (var p in points) canvas.DrawCircle(p, 3.5f, dot);
            canvas.DrawLine(width - right + 12, top + 10 + s * 18, width - right + 32, top + 10 + s * 18, line);
            canvas.DrawText(Fit(series[s].Name, right - 40, text), width - right + 38, top + 14 + s * 18, text);
        }
        return Encode(surface);
    }

    static readonly SKColor[] Palette =
        [new(0x1f, 0x77, 0xb4), new(0xff, 0x7f, 0x0e), new(0x2c, 0xa0, 0x2c), new(0xd6, 0x27, 0x28), new(0x94, 0x67, 0xbd), new(0x8c, 0x56, 0x4b), new(0xe3, 0x77, 0xc2)];

    /// <summary>The text, cut with an ellipsis to fit <paramref name="width"/> pixels.</summary>
    static string Fit(string text, float width, SKPaint paint)
    {
        if (paint.MeasureText(text) <= width) return text;
        while (text.Length > 1 && paint.MeasureText(text + "…") > width) text = text[..^1];
        return text + "…";
    }

    static byte[] Encode(SKSurface surface)
    {
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
