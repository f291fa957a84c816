namespace XaiVision.Engine.Imaging;

/// <summary>
/// Colour maps for heatmaps. Viridis (perceptually uniform, colour-blind safe) for non-negative
/// maps; a blue–white–red diverging map for signed maps blended over images (the overlays); Moreland's cool–warm
/// for signed heatmaps shown on their own.
/// </summary>
public static class Colormaps
{
    // Polynomial fit of matplotlib's viridis (degree 6), accurate to ~1/255.
    static readonly double[][] ViridisCoefficients =
    [
        [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
        [0.1050930431085774, 1.404613529898575, 1.384590162594685],
        [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
        [-4.634230498983486, -5.799100973351585, -19.33244095627987],
        [6.228269936347081, 14.17993336680509, 56.69055260068105],
        [4.776384997670288, -13.74514537774601, -65.35303263337234],
        [-5.435455855934631, 4.645852612178535, 26.3124352495832],
    ];

    static readonly byte[][] ViridisTable = Enumerable.Range(0, 256).Select(i => Viridis(i / 255.0)).ToArray();

    static byte[] Viridis(double t)
    {
        var rgb = new byte[3];
        for (int c = 0; c < 3; c++)
        {
            double v = 0;
            for (int k = ViridisCoefficients.Length - 1; k >= 0; k--) v = v * t + ViridisCoefficients[k][c];
            rgb[c] = (byte)Math.Clamp(Math.Round(v * 255), 0, 255);
        }
        return rgb;
    }

    /// <summary>t in [0,1] → viridis RGB.</summary>
    public static byte[] Sequential(float t) => ViridisTable[(int)Math.Clamp(MathF.Round(t * 255), 0, 255)];

    /// <summary>t in [-1,1] → blue (−1) … white (0) … red (+1).</summary>
    public static byte[] Diverging(float t)
    {
        t = Math.Clamp(t, -1f, 1f);
        byte fade = (byte)Math.Round(255 * (1 - Math.Abs(t)));
        return t >= 0 ? [255, fade, fade] : [fade, fade, 255];
    }

    // Moreland, "Diverging Color Maps for Scientific Visualization" (ISVC 2009): cool–warm, sampled at 9 even steps.
    static readonly byte[][] CoolWarmStops =
    [
        [59, 76, 192], [98, 130, 234], [141, 176, 254], [184, 208, 249], [221, 221, 221],
        [245, 196, 173], [244, 154, 123], [222, 96, 77], [180, 4, 38],
    ];

    /// <summary>
    /// t in [-1,1] → Moreland's cool–warm: blue (−1) … neutral grey (0) … red (+1), even in perceived lightness on both sides,
    /// so a heatmap shown alone reads without an image beneath it.
    /// </summary>
    public static byte[] CoolWarm(float t)
    {
        float position = (Math.Clamp(t, -1f, 1f) + 1) / 2 * (CoolWarmStops.Length - 1);
        int low = Math.Min((int)position, CoolWarmStops.Length - 2);
        float f = position - low;
        return [.. Enumerable.Range(0, 3).Select(c => (byte)Math.Round(CoolWarmStops[low][c] + f * (CoolWarmStops[low + 1][c] - CoolWarmStops[low][c])))];
    }
}
