namespace XaiVision.Engine.Metrics;

/// <summary>
/// Attribution localisation (Kohlbrenner et al. 2020, "Towards best practice in explaining neural network decisions with LRP";
/// Quantus <c>AttributionLocalisation</c>): the share of |relevance| inside the ground-truth mask, Σ_mask |a| / (Σ |a| + 1e-9);
/// with <c>weighted=true</c> multiplied by |mask| / d (the paper's weight: Quantus 0.6 divides by <c>x_batch[2:].size</c>, the pixels of
/// the batch from its third image on, which is not the image's size), with <c>positive=true</c> only positive relevance counts — which
/// changes nothing unless <c>abs=false</c>, as in Quantus, whose clip comes after its absolute value. A share above 1 (possible with
/// <c>abs=false</c>) has no score, as in Quantus. Higher is better.
/// </summary>
public sealed class AttributionLocalisation(bool weighted, bool positive, bool absolute) : MapOnlyMetric(absolute)
{
    public override string Name => "attribution-localisation";
    public override MetricCategory Category => MetricCategory.Localisation;
    public override string Definition => "Share of the positive relevance that falls inside the object mask (Kohlbrenner et al. 2020).";
    public override MetricDirection Direction => MetricDirection.HigherIsBetter;

    protected override double? Score(double[] map, bool[]? mask, int width)
    {
        double inside = 0, total = 0;
        for (int i = 0; i < map.Length; i++)
        {
            double v = positive ? Math.Max(0, map[i]) : map[i];
            total += v;
            if (mask![i]) inside += v;
        }
        double share = inside / (total + 1e-9);
        if (share > 1) return null;
        return weighted ? share * mask!.Count(m => m) / map.Length : share;
    }
}
