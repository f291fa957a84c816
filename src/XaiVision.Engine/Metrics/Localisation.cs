namespace XaiVision.Engine.Metrics;

/// <summary>
/// Localisation metrics against a ground-truth mask (Quantus' definitions):
/// <list type="bullet">
/// <item>Pointing game (Zhang et al. 2018) — higher is better: the map's maximum lies in the mask,
/// or within <c>tolerance</c> pixels of it (15 px in the paper at 224²).</item>
/// <item>Relevance mass accuracy (Arras et al. 2022) — higher is better: Σ positive relevance inside / Σ positive relevance.</item>
/// <item>Relevance rank accuracy (Arras et al. 2022) — higher is better: of the K most relevant pixels (K = mask size), the fraction inside.</item>
/// <item>Outside fraction — lower is better: positive relevance outside the mask / all positive relevance (= 1 − mass accuracy).</item>
/// </list>
/// </summary>
public static class Localisation
{
    public static readonly IReadOnlyDictionary<string, MetricDirection> Directions = new Dictionary<string, MetricDirection>
    {
        ["pointing-game"] = MetricDirection.HigherIsBetter,
        ["relevance-mass"] = MetricDirection.HigherIsBetter,
        ["relevance-rank"] = MetricDirection.HigherIsBetter,
        ["outside-fraction"] = MetricDirection.LowerIsBetter,
    };

    public static LocalisationScores Score(float[] map, bool[] mask, int width, int tolerance = 0)
    {
        if (map.Length != mask.Length) throw new XaiVisionException($"Map has {map.Length} pixels but the mask has {mask.Length}.");
        int inside = mask.Count(m => m);
        if (inside == 0) throw new XaiVisionException("The ground-truth mask is empty.");

        int peak = 0;
        for (int i = 1; i < map.Length; i++) if (map[i] > map[peak]) peak = i;
        bool hit = NearMask(mask, width, peak % width, peak / width, tolerance);

        double positive = 0, positiveInside = 0;
        for (int i = 0; i < map.Length; i++)
        {
            if (map[i] <= 0) continue;
            positive += map[i];
            if (mask[i]) positiveInside += map[i];
        }
        double mass = positive > 0 ? positiveInside / positive : 0;

        // Stable ordering: ties broken by pixel index, so the score does not depend on the sort.
        var top = Enumerable.Range(0, map.Length).OrderByDescending(i => map[i]).ThenBy(i => i).Take(inside);
        double rank = top.Count(i => mask[i]) / (double)inside;
        return new LocalisationScores(hit, mass, rank, positive > 0 ? 1 - mass : 1);
    }

    static bool NearMask(bool[] mask, int width, int x, int y, int tolerance)
    {
        int height = mask.Length / width;
        for (int dy = -tolerance; dy <= tolerance; dy++)
            for (int dx = -tolerance; dx <= tolerance; dx++)
            {
                int xx = x + dx, yy = y + dy;
                if (dx * dx + dy * dy > tolerance * tolerance || xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
                if (mask[yy * width + xx]) return true;
            }
        return false;
    }
}
