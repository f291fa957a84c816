using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Faithfulness estimate (Alvarez-Melis &amp; Jaakkola 2018, "Towards robust interpretability with self-explaining neural networks";
/// Quantus <c>FaithfulnessEstimate</c>): pixels taken <c>step</c> at a time, most relevant first, each group alone set to the image's
/// darkest value; the score is the Pearson correlation, over the groups, between the group's relevance and the drop of the explained
/// class's logit it causes. Higher is better. <c>step</c> counts pixels (Quantus's <c>features_in_step</c> is 3 × that on RGB).
/// Cost: ⌈H·W / step⌉ forward passes per image.
/// </summary>
public sealed class FaithfulnessEstimate(int step, int maxBatch) : IMetric
{
    public string Name => "faithfulness-estimate";
    public MetricCategory Category => MetricCategory.Faithfulness;
    public string Definition => "Correlation between a pixel group's relevance and the drop of the class's logit when that group alone turns black (Alvarez-Melis & Jaakkola 2018).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.HigherIsBetter };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        long n = c.Maps.shape[0], pixels = c.Maps.shape[1] * c.Maps.shape[2];
        int steps = (int)((pixels + step - 1) / step);
        var flat = c.Maps.reshape(n, -1).to(ScalarType.Float32);
        var rank = RegionRemoval.Ranks(flat);
        // Relevance of each group: the map summed over the pixels whose rank falls in it.
        var groupRelevance = zeros(n, steps, device: flat.device).scatter_add_(1, rank.div(step, rounding_mode: RoundingMode.floor), flat).cpu();
        var reference = RegionRemoval.Reference(c, maxBatch, probability: false);
        var scores = RegionRemoval.Scores(c.Model, c.Images, c.Targets, rank, step, steps, cumulative: false, probability: false, maxBatch);
        return scores.Select((curve, i) =>
        {
            var relevance = groupRelevance[i].data<float>().ToArray();
            var drops = curve.Select(s => reference[i] - s).ToArray();
            return Pearson(relevance, drops) is { } r ? (MetricResult)new Dictionary<string, double> { [Name] = r } : MetricResult.Empty;
        }).ToList();
    }

    static double? Pearson(float[] a, float[] b)
    {
        double ma = a.Average(v => (double)v), mb = b.Average(v => (double)v), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa > 0 && sbb > 0 ? sab / Math.Sqrt(saa * sbb) : null;
    }
}
