namespace XaiVision.Engine.Imaging;

/// <summary>Colour-maps a raw attribution map and alpha-blends it over the image the model saw.</summary>
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
            float absMax = map.Max(MathF.Abs);
            for (int i = 0; i < map.Length; i++) scaled[i] = absMax > 0 ? map[i] / absMax : 0f;
        }
        return scaled;
    }

    public static byte[] OverlayPng(RgbImage view, float[] map, HeatmapScaling scaling) => SkiaPixels.EncodePng(Overlay(view, map, scaling));
}
