namespace XaiVision.Engine.Metrics;

/// <summary>
/// Top-k intersection (Theiner, Müller-Budack &amp; Ewerth 2021, "Interpretable semantic photo geolocalization"; Quantus
/// <c>TopKIntersection</c>): the fraction of the <c>k</c> most relevant pixels (signed relevance, default k = 1000) that lie in the
/// ground-truth mask; with <c>concept-influence=true</c> multiplied by d / |mask|. Higher is better. Where the cut at k falls inside a
/// run of equal values (a map's zeros, a quantised map), the run's pixels count by their share inside the mask — the mean over every
/// order of the tie —, where Quantus takes whichever order numpy's unstable argsort of −a happens to leave; elsewhere the two agree.
/// </summary>
public sealed class TopKIntersection(int k, bool conceptInfluence) : MapOnlyMetric(absolute: false)
{
    public override string Name => "top-k-intersection";
    public override MetricCategory Category => MetricCategory.Localisation;
    public override string Definition => "Share of the k most relevant pixels that lie inside the object mask (Theiner et al. 2021).";
    public override MetricDirection Direction => MetricDirection.HigherIsBetter;

    protected override double? Score(double[] map, bool[]? mask, int width)
    {
        if (k > map.Length) throw new XaiVisionException($"top-k-intersection: k = {k} is more than the map's {map.Length} pixels.");
        var inMask = mask!;
        var sorted = (double[])map.Clone();
        Array.Sort(sorted);
        double cut = sorted[^k]; // the k-th largest
        int above = 0, aboveInside = 0, tied = 0, tiedInside = 0;
        for (int i = 0; i < map.Length; i++)
        {
            if (map[i] > cut) { above++; if (inMask[i]) aboveInside++; }
            else if (map[i] == cut) { tied++; if (inMask[i]) tiedInside++; }
        }
        double score = (aboveInside + (k - above) * (double)tiedInside / tied) / k;
        return conceptInfluence ? score * map.Length / inMask.Count(m => m) : score;
    }
}
