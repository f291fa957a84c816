using XaiVision.Engine.Memory;
using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Non-sensitivity (Nguyen &amp; Martínez 2020, "On quantitative aspects of model interpretability", arXiv 2007.07584; Quantus
/// <c>NonSensitivity</c>): a feature the map calls irrelevant (|relevance| / max |relevance| &lt; <c>eps</c>) should not move the
/// output, and a relevant one should. Features are colour values, as in Quantus (the map repeated over the channels); they are
/// taken <c>features</c> at a time, in channel-major order, irrelevant ones and relevant ones apart, each group set alone to the
/// image's darkest value. The score counts the features whose verdict is wrong: irrelevant but the class's probability
/// moved by <c>eps</c> or more, or relevant but it did not. Lower is better. Cost: ⌈C·H·W / features⌉ forward passes per image
/// (Quantus's default of 1 is 12,288 on a 64² RGB image).
/// </summary>
public sealed class NonSensitivity(int features, double eps, int maxBatch) : IMetric
{
    public string Name => "non-sensitivity";
    public MetricCategory Category => MetricCategory.Axiomatic;
    public string Definition => "How many colour values the map calls irrelevant yet move the class's probability, or relevant yet do not (Nguyen & Martínez 2020).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.LowerIsBetter };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        long n = c.Images.shape[0], channels = c.Images.shape[1], h = c.Images.shape[2], w = c.Images.shape[3], values = channels * h * w;
        var map = c.Maps.reshape(n, 1, -1).to(ScalarType.Float64).abs();
        var irrelevant = (map / map.amax([2], keepdim: true).clamp_min(1e-300)).lt(eps).expand(n, channels, h * w).reshape(n, values);
        // Each value's group: irrelevant values numbered first in channel-major order, then the relevant ones, `features` to a group.
        var irrelevantCount = irrelevant.sum(1, keepdim: true);
        var firstRelevantGroup = (irrelevantCount + features - 1).div(features, rounding_mode: RoundingMode.floor);
        var group = where(irrelevant, (irrelevant.cumsum(1) - 1).div(features, rounding_mode: RoundingMode.floor),
            firstRelevantGroup + (irrelevant.logical_not().cumsum(1) - 1).div(features, rounding_mode: RoundingMode.floor));
        var groups = (firstRelevantGroup.squeeze(1) + (values - irrelevantCount.squeeze(1) + features - 1).div(features, rounding_mode: RoundingMode.floor))
            .cpu().data<long>().ToArray();
        var rowStart = new long[n + 1];
        for (int i = 0; i < n; i++) rowStart[i + 1] = rowStart[i] + groups[i];
        var rowImage = tensor(Enumerable.Range(0, (int)n).SelectMany(i => Enumerable.Repeat((long)i, (int)groups[i])).ToArray(), device: c.Images.device);
        var rowGroup = tensor(Enumerable.Range(0, (int)n).SelectMany(i => Enumerable.Range(0, (int)groups[i]).Select(g => (long)g)).ToArray(), device: c.Images.device);
        group = group.to(c.Images.device);
        var black = c.Images.reshape(n, -1).amin(1).view(n, 1);
        var flat = c.Images.reshape(n, values);
        var scores = ChunkedScores.Run(c.Model, rowStart[n], maxBatch, h * w, c.Images.device, row =>
        {
            var image = rowImage.index_select(0, row);
            var hit = group.index_select(0, image).eq(rowGroup.index_select(0, row).unsqueeze(1));
            return (where(hit, black.index_select(0, image), flat.index_select(0, image)).view(-1, channels, h, w), c.Targets.index_select(0, image));
        }, probability: true).cpu().to(ScalarType.Float64).data<double>().ToArray();
        var reference = RegionRemoval.Reference(c, maxBatch, probability: true);
        var groupOf = group.cpu().data<long>().ToArray();
        var isIrrelevant = irrelevant.cpu().data<bool>().ToArray();
        return Enumerable.Range(0, (int)n).Select(i =>
        {
            int wrong = 0;
            for (long f = 0; f < values; f++)
            {
                long at = i * values + f;
                bool unmoved = Math.Abs(reference[i] - scores[rowStart[i] + groupOf[at]]) < eps;
                if (unmoved != isIrrelevant[at]) wrong++;
            }
            return (MetricResult)new Dictionary<string, double> { [Name] = wrong };
        }).ToList();
    }
}
