using XaiVision.Engine.Memory;
using XaiVision.Engine.Explainers;
using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Faithfulness correlation (Bhatt et al., IJCAI 2020): over <c>subsets</c> random pixel subsets S of
/// <c>fraction</c> of the image (seeded), Pearson correlation between Σ_{i∈S} R_i and
/// f(x) − f(x with S set to the baseline: zeros in normalised space, the mean colour); f is the target's
/// probability. Higher is better.
/// </summary>
public sealed class FaithfulnessCorrelation(int subsets, double fraction, int maxBatch) : IMetric
{
    public string Name => "faithfulness-correlation";
    public MetricCategory Category => MetricCategory.Faithfulness;
    public string Definition => "Pearson correlation between a random pixel subset's relevance and the drop of the class's logit when it is removed (Bhatt et al. 2020).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.HigherIsBetter };

    public bool SharesAcrossMethods => true;

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c) => EvaluateMany(c, [(c.Explainer, c.Maps)])[0];

    /// <summary>The subsets are seeded and the same for every method: their forwards run once, every method's sums against them.</summary>
    public IReadOnlyList<IReadOnlyList<MetricResult>> EvaluateMany(MetricContext c, IReadOnlyList<(IExplainer Explainer, Tensor Maps)> maps)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var images = c.Images;
        long n = images.shape[0], h = images.shape[2], w = images.shape[3], pixels = h * w;
        long size = Math.Max(1, (long)Math.Round(fraction * pixels));
        // subset masks [n, subsets, pixels]: the first `size` of a random permutation per subset
        var keys = SeededNoise.Uniform(c.Seed, n, [subsets, pixels], images.device);
        var chosen = keys.argsort(dim: 2).argsort(dim: 2).lt(size);
        var original = c.Model.Probabilities(c.Model.Forward(images)).gather(1, c.Targets.view(-1, 1)).view(n);

        var probabilities = ChunkedScores.Run(c.Model, n * subsets, maxBatch, images.shape[2] * images.shape[3], images.device, row =>
        {
            var image = row.div(subsets, rounding_mode: RoundingMode.floor);
            var mask = chosen.view(n * subsets, pixels).index_select(0, row).view(-1, 1, h, w);
            return (where(mask, zeros_like(images.index_select(0, image)), images.index_select(0, image)), c.Targets.index_select(0, image));
        }, probability: true);
        var drops = original.repeat_interleave(subsets) - probabilities;
        var d = drops.cpu().to(ScalarType.Float64).data<double>().ToArray();
        return maps.Select(m =>
        {
            var r = (m.Maps.reshape(n, 1, pixels) * chosen).sum(2).cpu().to(ScalarType.Float64).data<double>().ToArray();
            return (IReadOnlyList<MetricResult>)Enumerable.Range(0, (int)n).Select(i => (MetricResult)new Dictionary<string, double>
            {
                [Name] = MapSimilarity.Pearson(r.AsSpan(i * subsets, subsets).ToArray(), d.AsSpan(i * subsets, subsets).ToArray()),
            }).ToList();
        }).ToList();
    }
}
