using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Local Lipschitz estimate (Alvarez-Melis &amp; Jaakkola 2018, "On the robustness of interpretability methods", arXiv 1806.08049;
/// Quantus <c>LocalLipschitzEstimate</c>): the largest ratio, over <c>samples</c> draws of Gaussian noise δ ~ N(0, std²) per input
/// value (model input units), between how far the map moves and how far the input moved, ‖φ(x + δ) − φ(x)‖₂ / (‖δ‖₂ + 1e-10),
/// each map divided by its largest magnitude first (Quantus's default; <c>normalise=false</c> keeps them as they are). Lower is
/// better. Cost: <c>samples</c> explanations per image.
/// </summary>
public sealed class LocalLipschitzEstimate(int samples, double std, bool normalise) : IMetric
{
    public string Name => "local-lipschitz-estimate";
    public MetricCategory Category => MetricCategory.Robustness;
    public string Definition => "Largest ratio of how far the map moves to how far the input moved under Gaussian noise (Alvarez-Melis & Jaakkola 2018).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.LowerIsBetter };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        long n = c.Maps.shape[0];
        var original = c.Maps.reshape(n, -1).to(ScalarType.Float64);
        if (normalise) original = NoisyExplanations.NormaliseByMax(original);
        var images = c.Images.reshape(n, -1).to(ScalarType.Float64);
        var ratios = NoisyExplanations.Run(c, samples, normal: true, z => z * std, draw =>
            ((normalise ? NoisyExplanations.NormaliseByMax(draw.Maps) : draw.Maps) - original).square().sum(1).sqrt()
            / ((draw.Noisy.reshape(n, -1).to(ScalarType.Float64) - images).square().sum(1).sqrt() + 1e-10));
        return Enumerable.Range(0, (int)n).Select(i => (MetricResult)new Dictionary<string, double> { [Name] = ratios.Max(s => s[i]) }).ToList();
    }
}
