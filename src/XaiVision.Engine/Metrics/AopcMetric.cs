using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Pixel flipping with MoRF / LeRF order and AOPC (Samek et al., IEEE TNNLS 2017):
/// regions of <c>region</c>×<c>region</c> pixels, ranked by summed relevance, are replaced by uniform
/// noise in pixel space (seeded) a step at a time; AOPC = 1/(L+1) Σ_{k=0..L} (f(x) − f(x⁽ᵏ⁾)) with f the
/// target's probability. MoRF (most relevant first): higher is better. LeRF: lower is better.
/// </summary>
public sealed class AopcMetric(bool mostRelevantFirst, int region, int steps, int maxBatch) : IMetric
{
    public string Name => mostRelevantFirst ? "aopc-morf" : "aopc-lerf";
    public MetricCategory Category => MetricCategory.Faithfulness;
    public string Definition => $"Mean drop of the explained class's probability as r×r regions are removed, {(mostRelevantFirst ? "most" : "least")} relevant first (Samek et al. 2017).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection>
    {
        [Name] = mostRelevantFirst ? MetricDirection.HigherIsBetter : MetricDirection.LowerIsBetter,
    };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        var uniform = SeededNoise.Uniform(c.Seed, c.Images.shape[0], c.Images.shape[1..], c.Images.device);
        var noise = Perturbations.PixelSpace.ToNormalised(uniform, c.Model.Preprocessing);
        var curves = PixelFlipCurve.Evaluate(c.Model, c.Images, noise, c.Maps, c.Targets, region, mostRelevantFirst, steps, maxBatch);
        return curves.Select(curve => (MetricResult)new Dictionary<string, double>
        {
            [Name] = curve.Average(v => curve[0] - (double)v),
        }).ToList();
    }
}
