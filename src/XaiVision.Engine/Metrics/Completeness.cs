using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Completeness (Sundararajan et al. 2017, "Axiomatic attribution for deep networks", the summation-to-delta axiom; Quantus
/// <c>Completeness</c>): a complete map's relevance sums to the change of the explained class's logit between the image and a
/// baseline — the image's darkest value everywhere (<c>baseline=black</c>, Quantus's) or zeros (<c>baseline=zero</c>, the usual
/// integrated-gradients baseline in normalised input). The score is the gap relative to that change,
/// |Σ relevance − (f(x) − f(x̄))| / |f(x) − f(x̄)|, on the map as it is (no normalisation). Lower is better: 0 for a complete map.
/// This is ours: Quantus's verdict is exact float equality of the max-normalised map's sum with the change, which holds for no real
/// map (and its baseline replaces only the first H·W of an image's C·H·W values: the first colour channel); the reference run checks
/// our change and sum against the ones Quantus computes with the whole image replaced. Cost: two forward passes per image.
/// </summary>
public sealed class Completeness(bool zeroBaseline, int maxBatch) : IMetric
{
    public string Name => "completeness";
    public MetricCategory Category => MetricCategory.Axiomatic;
    public string Definition =>
        $"Gap between the map's total and the logit's change from a {(zeroBaseline ? "zero" : "black")} image, relative to that change (Sundararajan et al. 2017; ours).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.LowerIsBetter };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        long n = c.Images.shape[0];
        var baseline = zeroBaseline ? zeros_like(c.Images) : c.Images.reshape(n, -1).amin(1).view(n, 1, 1, 1).expand_as(c.Images).contiguous();
        var logit = RegionRemoval.Reference(c, maxBatch, probability: false);
        var atBaseline = RegionRemoval.Reference(c with { Images = baseline }, maxBatch, probability: false);
        var sums = c.Maps.reshape(n, -1).to(ScalarType.Float64).sum(1).cpu().data<double>().ToArray();
        return Enumerable.Range(0, (int)n).Select(i =>
        {
            double change = (double)logit[i] - atBaseline[i];
            return change == 0 ? MetricResult.Empty : new Dictionary<string, double> { [Name] = Math.Abs(sums[i] - change) / Math.Abs(change) };
        }).ToList();
    }
}
