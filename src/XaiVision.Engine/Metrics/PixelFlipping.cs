using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Pixel-flipping (Bach et al. 2015, "On pixel-wise explanations for non-linear classifier decisions by layer-wise relevance
/// propagation"; Quantus <c>PixelFlipping</c>): pixels, most relevant first, are set to the image's darkest value (<c>black</c>),
/// <c>step</c> pixels more at each step until none is left; the curve is the probability of the explained class after each
/// step, the score its trapezoid area with spacing 1 (Quantus's <c>get_auc_score</c>). Lower is better. Quantus counts features
/// per colour channel, so its <c>features_in_step</c> is 3 × our <c>step</c> on an RGB image (our maps are per pixel). Cost:
/// ⌈H·W / step⌉ forward passes per image.
/// </summary>
public sealed class PixelFlipping(int step, int maxBatch) : IMetric
{
    public string Name => "pixel-flipping";
    public MetricCategory Category => MetricCategory.Faithfulness;
    public string Definition => "Area under the explained class's probability as pixels turn black, most relevant first (Bach et al. 2015).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.LowerIsBetter };
    public IReadOnlyDictionary<string, CurveAxis> Curves => new Dictionary<string, CurveAxis>
    {
        [Name] = new("pixel-flipping: probability of the explained class as pixels turn black, most relevant first", 0, 1),
    };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        long pixels = c.Maps.shape[1] * c.Maps.shape[2];
        int steps = (int)((pixels + step - 1) / step);
        var rank = RegionRemoval.Ranks(c.Maps.reshape(c.Maps.shape[0], -1).to(ScalarType.Float32));
        var curves = RegionRemoval.Scores(c.Model, c.Images, c.Targets, rank, step, steps, cumulative: true, probability: true, maxBatch);
        return RegionRemoval.AreaResults(Name, curves);
    }
}
