namespace XaiVision.Engine.Metrics;

/// <summary>
/// Complexity (Bhatt, Weller &amp; Moura 2020, "Evaluating and aggregating feature-based model explanations"; Quantus
/// <c>Complexity</c>): the entropy of the relevance distribution p_i = |a_i| / Σ_j |a_j|, H = −Σ_i p_i ln(p_i + 1e-12).
/// Lower is better (fewer pixels carry the relevance); at most ln d for d pixels.
/// </summary>
public sealed class Complexity() : MapOnlyMetric(absolute: true)
{
    public override string Name => "complexity";
    public override MetricCategory Category => MetricCategory.Complexity;
    public override string Definition => "Entropy of each pixel's share of |relevance|: how spread out the map is (Bhatt et al. 2020).";
    public override MetricDirection Direction => MetricDirection.LowerIsBetter;

    protected override double? Score(double[] map, bool[]? mask, int width)
    {
        double total = map.Sum(Math.Abs);
        return -map.Sum(v => v / total * Math.Log(v / total + 1e-12));
    }
}
