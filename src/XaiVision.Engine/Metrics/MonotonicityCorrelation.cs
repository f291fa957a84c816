using XaiVision.Engine.Memory;
using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Monotonicity correlation (Nguyen &amp; Martínez 2020, "On quantitative aspects of model interpretability", arXiv 2007.07584;
/// Quantus <c>MonotonicityCorrelation</c>): pixels are taken <c>step</c> at a time, least relevant (by |relevance|) first, and each
/// group alone is set, in every channel, to a value drawn from U(0, 1) — <c>samples</c> times; the group's effect is the mean
/// squared change of the explained class's probability p over the draws, divided by p² (by 1 where |p| &lt; <c>eps</c>).
/// The score is the Spearman correlation, over the groups, between a group's total |relevance| and its effect. Higher is better.
/// The draws are U[steps, samples] from the job's seed, the same for every image (Quantus draws from numpy's global generator; the
/// reference run hands it these). Quantus's <c>features_in_step</c> is 3 × our <c>step</c> on an RGB image. Cost: ⌈H·W / step⌉ ×
/// <c>samples</c> forward passes per image — Quantus's defaults (step 1, 100 samples) are 409,600 on a 64² image; choose a step.
/// </summary>
public sealed class MonotonicityCorrelation(int step, int samples, double eps, int maxBatch) : IMetric
{
    public string Name => "monotonicity-correlation";
    public MetricCategory Category => MetricCategory.Faithfulness;
    public string Definition => "Spearman correlation between a pixel group's |relevance| and how much noise there moves the class's probability (Nguyen & Martínez 2020).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.HigherIsBetter };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        long n = c.Images.shape[0], channels = c.Images.shape[1], h = c.Images.shape[2], w = c.Images.shape[3], pixels = h * w;
        int steps = (int)((pixels + step - 1) / step), perImage = steps * samples;
        var relevance = c.Maps.reshape(n, -1).to(ScalarType.Float32).abs();
        var rank = RegionRemoval.Ranks(relevance, ascending: true).to(c.Images.device);
        var group = rank.div(step, rounding_mode: RoundingMode.floor);
        using var generator = new Generator((ulong)c.Seed);
        var draws = rand([perImage], generator: generator).to(c.Images.device);
        var probability = RegionRemoval.Reference(c, maxBatch, probability: true);
        var scores = ChunkedScores.Run(c.Model, n * perImage, maxBatch, pixels, c.Images.device, row =>
        {
            var image = row.div(perImage, rounding_mode: RoundingMode.floor);
            var within = row.remainder(perImage);
            var groupOf = within.div(samples, rounding_mode: RoundingMode.floor);
            var hit = group.index_select(0, image).eq(groupOf.unsqueeze(1)).view(-1, 1, h, w).expand(-1, channels, h, w);
            var value = draws.index_select(0, within).view(-1, 1, 1, 1).to(c.Images.dtype);
            return (where(hit, value, c.Images.index_select(0, image)), c.Targets.index_select(0, image));
        }, probability: true).cpu().to(ScalarType.Float64).data<double>().ToArray();
        var groupRelevance = zeros(n, steps, ScalarType.Float64).scatter_add_(1, group.cpu(), relevance.cpu().to(ScalarType.Float64));
        return Enumerable.Range(0, (int)n).Select(i =>
        {
            double p = probability[i], inverse = Math.Abs(p) >= eps ? 1 / (p * p) : 1;
            var effects = Enumerable.Range(0, steps).Select(s =>
                Enumerable.Range(0, samples).Average(k => Math.Pow(scores[i * perImage + s * samples + k] - p, 2)) * inverse).ToArray();
            var atts = groupRelevance[i].data<double>().ToArray();
            if (effects.Distinct().Count() < 2 || atts.Distinct().Count() < 2) return MetricResult.Empty;
            return (MetricResult)new Dictionary<string, double> { [Name] = MapSimilarity.Pearson(MapSimilarity.Ranks(atts), MapSimilarity.Ranks(effects)) };
        }).ToList();
    }
}
