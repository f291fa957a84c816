using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Monotonicity (Arya et al. 2019, "One explanation does not fit all", arXiv 1909.03012; Quantus <c>Monotonicity</c>): starting from
/// an image set entirely to its darkest value (Quantus's <c>black</c>), pixels are put back <c>step</c> at a time, least relevant
/// (by |relevance|) first; the explanation is monotonic — 1, else 0 — when the explained class's probability never falls
/// from one step to the next. Higher is better (the mean over images is the share of monotonic explanations). This is ours, the
/// paper's: Quantus 0.6's Monotonicity replaces pixels of its black start with the black value, so its image never changes and every
/// explanation passes; the reference run (tools/quantus_reference.py) gives Quantus's loop the paper's perturbation. Quantus counts
/// features per colour channel, so its <c>features_in_step</c> is 3 × our <c>step</c> on an RGB image. Cost: ⌈H·W / step⌉ forward
/// passes per image.
/// </summary>
public sealed class Monotonicity(int step, int maxBatch) : IMetric
{
    public string Name => "monotonicity";
    public MetricCategory Category => MetricCategory.Faithfulness;
    public string Definition => "1 when the class's probability never falls as pixels return to a black image, least relevant first (Arya et al. 2019; ours, Quantus 0.6 never puts them back).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.HigherIsBetter };
    public IReadOnlyDictionary<string, CurveAxis> Curves => new Dictionary<string, CurveAxis>
    {
        [Name] = new("monotonicity: probability of the explained class as pixels are put back into a black image, least relevant first", 0, 1),
    };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        long pixels = c.Maps.shape[1] * c.Maps.shape[2];
        int steps = (int)((pixels + step - 1) / step);
        var rank = RegionRemoval.Ranks(c.Maps.reshape(c.Maps.shape[0], -1).to(ScalarType.Float32).abs(), ascending: true);
        var curves = RegionRemoval.Scores(c.Model, c.Images, c.Targets, rank, step, steps, cumulative: true, probability: true, maxBatch, insert: true);
        return curves.Select(curve => new MetricResult(
            new Dictionary<string, double> { [Name] = curve.Zip(curve.Skip(1)).All(p => p.Second >= p.First) ? 1 : 0 },
            new Dictionary<string, MetricCurve> { [Name] = RegionRemoval.Curve(curve) })).ToList();
    }
}
