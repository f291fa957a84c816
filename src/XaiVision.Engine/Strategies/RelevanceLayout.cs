namespace XaiVision.Engine.Strategies;

/// <summary>
/// Where a relevance distribution (an S×S map summing to 1) sits: its centre of mass (x, y in [0, 1] of the frame, origin top left),
/// its share in each border band (the outer eighth of the frame on that side) and in each corner (the eighth × eighth squares where two
/// bands meet), and — with the object's coverage of each cell — its share outside the object and the object's area.
/// </summary>
public sealed record RelevanceLayout(
    double CentreX, double CentreY,
    IReadOnlyDictionary<string, double> Bands,
    IReadOnlyDictionary<string, double> Corners,
    double? OffObject = null,
    double? ObjectArea = null)
{
    public const double BandFraction = 0.125;
    public static readonly string[] BandNames = ["top", "bottom", "left", "right"];
    public static readonly string[] CornerNames = ["top-left", "top-right", "bottom-left", "bottom-right"];

    /// <summary>The map scaled to sum 1 (a map with no positive relevance: uniform).</summary>
    public static float[] Normalise(float[] cells)
    {
        double sum = cells.Sum(c => (double)Math.Max(c, 0));
        return sum > 0 ? cells.Select(c => (float)(Math.Max(c, 0) / sum)).ToArray() : cells.Select(_ => 1f / cells.Length).ToArray();
    }

    /// <param name="distribution">S×S, summing to 1.</param>
    /// <param name="coverage">The object's share of each cell, if a mask exists.</param>
    public static RelevanceLayout Of(float[] distribution, float[]? coverage = null)
    {
        int size = MapThumbnail.SizeOf(distribution.Length) ?? throw new ArgumentException("A relevance layout needs a square map.");
        int band = Math.Max(1, (int)Math.Round(size * BandFraction));
        double cx = 0, cy = 0, top = 0, bottom = 0, left = 0, right = 0, tl = 0, tr = 0, bl = 0, br = 0, off = 0, area = 0;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double p = distribution[y * size + x];
                cx += p * (x + 0.5) / size;
                cy += p * (y + 0.5) / size;
                bool t = y < band, b = y >= size - band, l = x < band, r = x >= size - band;
                if (t) top += p;
                if (b) bottom += p;
                if (l) left += p;
                if (r) right += p;
                if (t && l) tl += p;
                if (t && r) tr += p;
                if (b && l) bl += p;
                if (b && r) br += p;
                if (coverage is null) continue;
                off += p * (1 - coverage[y * size + x]);
                area += coverage[y * size + x];
            }
        return new RelevanceLayout(cx, cy,
            new Dictionary<string, double> { ["top"] = top, ["bottom"] = bottom, ["left"] = left, ["right"] = right },
            new Dictionary<string, double> { ["top-left"] = tl, ["top-right"] = tr, ["bottom-left"] = bl, ["bottom-right"] = br },
            coverage is null ? null : off, coverage is null ? null : area / distribution.Length);
    }
}
