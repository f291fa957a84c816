namespace XaiVision.Engine.Metrics;

/// <summary>
/// Effective complexity (Nguyen &amp; Rodríguez Martínez 2020, "On quantitative aspects of model interpretability"; Quantus
/// <c>EffectiveComplexity</c>): how many pixels have |a| / max|a| above <c>eps</c> (default 1e-5). Lower is better.
/// </summary>
public sealed class EffectiveComplexity(double eps) : MapOnlyMetric(absolute: true)
{
    public override string Name => "effective-complexity";
    public override MetricCategory Category => MetricCategory.Complexity;
    public override string Definition => "Number of pixels whose |relevance| exceeds eps (Nguyen & Martínez 2020).";
    public override MetricDirection Direction => MetricDirection.LowerIsBetter;

    protected override double? Score(double[] map, bool[]? mask, int width) => map.Count(v => v > eps);
}
