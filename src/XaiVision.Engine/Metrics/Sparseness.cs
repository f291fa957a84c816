namespace XaiVision.Engine.Metrics;

/// <summary>
/// Sparseness (Chalasani et al. 2020, "Concise explanations of neural networks using adversarial training"; Quantus
/// <c>Sparseness</c>): the Gini index of |a| + 1e-7 sorted ascending, G = Σ_i (2i − d − 1) a_(i) / (d Σ_i a_(i)) over the d pixels.
/// 1 when one pixel holds all relevance, 0 when all hold the same — higher is better (a concise map).
/// </summary>
public sealed class Sparseness() : MapOnlyMetric(absolute: true)
{
    public override string Name => "sparseness";
    public override MetricCategory Category => MetricCategory.Complexity;
    public override string Definition => "Gini index of |relevance|: how concentrated the map is (Chalasani et al. 2020).";
    public override MetricDirection Direction => MetricDirection.HigherIsBetter;

    protected override double? Score(double[] map, bool[]? mask, int width)
    {
        var sorted = new double[map.Length];
        for (int i = 0; i < map.Length; i++) sorted[i] = map[i] + 1e-7;
        Array.Sort(sorted);
        int d = sorted.Length;
        double weighted = 0, total = 0;
        for (int i = 0; i < d; i++)
        {
            weighted += (2.0 * (i + 1) - d - 1) * sorted[i];
            total += sorted[i];
        }
        return weighted / (d * total);
    }
}
