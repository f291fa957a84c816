namespace XaiVision.Engine.Imaging;

/// <summary>Colour-maps a raw attribution map: alpha-blended over the image the model saw (overlays), or on its own (heatmaps).</summary>
public static class HeatmapRenderer
{
    /// <summary>Signed maps (any value below zero) are scaled symmetrically, others min–max.</summary>
    public static HeatmapScaling ChooseScaling(ReadOnlySpan<float> map)
    {
        foreach (var v in map) if (v < 0) return HeatmapScaling.Symmetric;
        return HeatmapScaling.MinMax;
    }

    public static RgbImage Overlay(RgbImage view, float[] map, HeatmapScaling scaling, float alpha = 0.55f)
    {
        if (map.Length != view.Width * view.Height)
            throw new ArgumentException($"Map has {map.Length} values; the image has {view.Width * view.Height} pixels.");
        var scaled = Scale(map, scaling);
        var result = RgbImage.Create(view.Width, view.Height);
        for (int i = 0; i < map.Length; i++)
        {
            var colour = scaling == HeatmapScaling.MinMax ? Colormaps.Sequential(scaled[i]) : Colormaps.Diverging(scaled[i]);
            // Signed maps fade to the image where relevance is ~0; unsigned maps cover evenly.
            float a = scaling == HeatmapScaling.MinMax ? alpha : alpha * Math.Min(1f, Math.Abs(scaled[i]) * 1.5f);
            for (int c = 0; c < 3; c++)
            {
                float blended = (1 - a) * view.Pixels[i * 3 + c] + a * colour[c];
                result.Pixels[i * 3 + c] = (byte)Math.Clamp(MathF.Round(blended), 0, 255);
            }
        }
        return result;
    }

    public static float[] Scale(float[] map, HeatmapScaling scaling)
    {
        var scaled = new float[map.Length];
        if (scaling == HeatmapScaling.MinMax)
        {
            float min = map.Min(), max = map.Max();
            float range = max - min;
            for (int i = 0; i < map.Length; i++) scaled[i] = range > 0 ? (map[i] - min) / range : 0f;
        }
        else
        {
            // A few extreme pixels would wash out the rest: clip at the 98th percentile of |v|.
            float q = Range(map, scaling).High;
            for (int i = 0; i < map.Length; i++) scaled[i] = q > 0 ? Math.Clamp(map[i] / q, -1f, 1f) : 0f;
        }
        return scaled;
    }

    /// <summary>
    /// The map on its own: viridis for unsigned maps (min–max), Moreland's cool–warm for signed ones (symmetric at the 98th
    /// percentile of |v|) — what the report shows, where a faint tint over a busy picture would not read.
    /// </summary>
    public static byte[] HeatmapPng(float[] map, int width, HeatmapScaling scaling) => SkiaPixels.EncodePng(Enlarge(Heatmap(map, width, scaling), MinimumDisplaySize));

    /// <summary>The colour-mapped map itself (<see cref="HeatmapPng"/> before encoding), one pixel per value.</summary>
    public static RgbImage Heatmap(float[] map, int width, HeatmapScaling scaling)
    {
        var scaled = Scale(map, scaling);
        var image = RgbImage.Create(width, map.Length / width);
        for (int i = 0; i < map.Length; i++)
            Array.Copy(scaling == HeatmapScaling.MinMax ? Colormaps.Sequential(scaled[i]) : Colormaps.CoolWarm(scaled[i]), 0, image.Pixels, i * 3, 3);
        return image;
    }

    /// <summary>The values at which the colours end (min and max; or −q and q for signed maps), for a colour bar.</summary>
    public static (float Low, float High) Range(float[] map, HeatmapScaling scaling)
    {
        if (scaling == HeatmapScaling.MinMax) return (map.Min(), map.Max());
        var magnitudes = map.Select(MathF.Abs).Order().ToArray();
        float q = magnitudes[(int)Math.Floor(0.98 * (magnitudes.Length - 1))];
        if (q == 0) q = magnitudes[^1];
        return (-q, q);
    }

    /// <summary>Overlays smaller than this are enlarged (nearest neighbour, whole factors) so they can be seen.</summary>
    public const int MinimumDisplaySize = 256;

    public static byte[] OverlayPng(RgbImage view, float[] map, HeatmapScaling scaling) =>
        SkiaPixels.EncodePng(Enlarge(Overlay(view, map, scaling), MinimumDisplaySize));

    /// <summary>Pixel replication by a whole factor: every map pixel stays a sharp square.</summary>
    public static RgbImage Enlarge(RgbImage image, int minimumSize)
    {
        int factor = (int)Math.Ceiling(minimumSize / (double)Math.Min(image.Width, image.Height));
        if (factor <= 1) return image;
        var large = RgbImage.Create(image.Width * factor, image.Height * factor);
        for (int y = 0; y < large.Height; y++)
            for (int x = 0; x < large.Width; x++)
                Array.Copy(image.Pixels, image.Offset(x / factor, y / factor), large.Pixels, large.Offset(x, y), 3);
        return large;
    }
}
