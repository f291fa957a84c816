using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Sensitivity-n (Ancona et al. 2018, "Towards better understanding of gradient-based attribution methods for deep neural
/// networks", ICLR; Quantus <c>SensitivityN</c>): the most relevant <c>step</c> pixels are set to the image's darkest value, one
/// step more at a time up to 80 % of the pixels; at each n, the Pearson correlation across the batch's images between the
/// relevance removed so far and the explained class's probability lost; the score is the mean over n. Higher is better. A
/// batch-level score, as in Quantus (every image of a batch gets its batch's value, and the curve over n): it depends on the
/// images evaluated together. Quantus 0.6 correlates the probability lost so far with the relevance of the last step's pixels
/// alone, and stops at 80 % of H·W channel values (27 % of an RGB image's pixels); ours sums what has been removed, as the
/// definition does, up to 80 % of the pixels. Cost: one forward pass per step per image, batched.
/// </summary>
public sealed class SensitivityN(int step, int maxBatch) : IMetric
{
    public string Name => "sensitivity-n";
    public MetricCategory Category => MetricCategory.Faithfulness;
    public string Definition => "Correlation across the batch between relevance removed and probability lost, averaged over n (Ancona et al. 2018); batch-relative.";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.HigherIsBetter };
    public IReadOnlyDictionary<string, CurveAxis> Curves => new Dictionary<string, CurveAxis>
    {
        [Name] = new($"sensitivity-n: correlation across the batch as {step} more pixels are removed at each step", -1, 1),
    };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        int n = (int)c.Maps.shape[0], pixels = (int)(c.Maps.shape[1] * c.Maps.shape[2]);
        int steps = (int)Math.Floor(0.8 * pixels / step);
        if (n < 2 || steps < 1) return Enumerable.Repeat(MetricResult.Empty, n).ToList();
        var maps = c.Maps.reshape(n, -1).to(ScalarType.Float64);
        var rank = RegionRemoval.Ranks(maps.to(ScalarType.Float32));
        var removed = maps.sort(1, descending: true).Values.cumsum(1).cpu(); // relevance of the top k pixels [N, P]
        var lost = RegionRemoval.Scores(c.Model, c.Images, c.Targets, rank, step, steps, cumulative: true, probability: true, maxBatch);
        var clean = RegionRemoval.Reference(c, maxBatch, probability: true);
        var removedRows = Enumerable.Range(0, n).Select(i => removed[i].data<double>().ToArray()).ToArray();
        var correlations = new List<double>();
        for (int k = 0; k < steps; k++)
        {
            var drop = Enumerable.Range(0, n).Select(i => (double)clean[i] - lost[i][k]).ToArray();
            var relevance = Enumerable.Range(0, n).Select(i => removedRows[i][(k + 1) * step - 1]).ToArray();
            // SciPy's answer for a constant side is NaN (left out of the mean), where MapSimilarity's is 0.
            correlations.Add(drop.Distinct().Count() < 2 || relevance.Distinct().Count() < 2 ? double.NaN : MapSimilarity.Pearson(drop, relevance));
        }
        var finite = correlations.Where(double.IsFinite).ToList();
        if (finite.Count == 0) return Enumerable.Repeat(MetricResult.Empty, n).ToList();
        var result = new MetricResult(new Dictionary<string, double> { [Name] = finite.Average() },
            new Dictionary<string, MetricCurve> { [Name] = RegionRemoval.Curve(correlations.Select(v => double.IsFinite(v) ? (float)v : 0f).ToList()) });
        return Enumerable.Repeat(result, n).ToList();
    }
}
