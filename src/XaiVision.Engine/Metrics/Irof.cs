using XaiVision.Engine.Imaging;
using XaiVision.Engine.Memory;
using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Iterative removal of features, IROF (Rieger and Hansen 2020, "IROF: a low resource evaluation metric for explanation
/// methods", ICLR workshop; Quantus <c>IROF</c>): the image is cut into SLIC superpixels (<see cref="Slic"/>, as scikit-image cuts
/// them: <c>segments</c> = 100, <c>compactness</c> = 10), ranked by their mean relevance, and removed most relevant first, one
/// more per step, each filled with the mean of the image as it stands before that step (Quantus's <c>mean</c> baseline, read
/// from the array being perturbed). The curve is the explained class's probability after each step over the clean one;
/// the score is K − its trapezoid area (K segments): the area above the curve. Higher is better (a quick fall). Quantus takes
/// the mean over the whole batch's array; ours over the image's, which is what Quantus gives an image explained alone.
/// Cost: one forward pass per segment per image, batched.
/// </summary>
public sealed class Irof(int segments, double compactness, int maxBatch) : IMetric
{
    public string Name => "irof";
    public MetricCategory Category => MetricCategory.Faithfulness;
    public string Definition => "Area above the explained class's relative probability as superpixels are removed, most relevant first (Rieger and Hansen 2020).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.HigherIsBetter };
    public IReadOnlyDictionary<string, CurveAxis> Curves => new Dictionary<string, CurveAxis>
    {
        [Name] = new("irof: probability of the explained class over the clean one as superpixels turn to the image's mean, most relevant first", 0, 1),
    };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        long n = c.Images.shape[0], channels = c.Images.shape[1];
        int h = (int)c.Images.shape[2], w = (int)c.Images.shape[3], pixels = h * w;
        var images = c.Images.to(ScalarType.Float32).cpu().reshape(n, -1);
        var maps = c.Maps.to(ScalarType.Float64).cpu().reshape(n, -1);
        var plans = Enumerable.Range(0, (int)n).Select(i => Plan(images[i].data<float>().ToArray(), maps[i].data<double>().ToArray(), (int)channels, h, w)).ToList();
        int steps = plans.Max(p => p.Count);
        var rank = tensor(plans.SelectMany(p => p.Rank).ToArray()).view(n, 1, h, w).to(c.Images.device);
        var fill = tensor(plans.SelectMany(p => p.Fill).ToArray()).view(n, 1, h, w).to(c.Images.dtype).to(c.Images.device);
        var clean = RegionRemoval.Reference(c, maxBatch, probability: true);
        var scores = ChunkedScores.Run(c.Model, n * steps, maxBatch, pixels, c.Images.device, row =>
        {
            var image = row.div(steps, rounding_mode: RoundingMode.floor);
            var step = row.remainder(steps).view(-1, 1, 1, 1);
            var removed = rank.index_select(0, image).le(step).expand(-1, channels, h, w);
            return (where(removed, fill.index_select(0, image).expand(-1, channels, h, w), c.Images.index_select(0, image)), c.Targets.index_select(0, image));
        }, probability: true).view(n, steps).to(ScalarType.Float32).cpu();
        return Enumerable.Range(0, (int)n).Select(i =>
        {
            var curve = scores[i].data<float>().Take(plans[i].Count).Select(s => s / clean[i]).ToArray();
            return new MetricResult(new Dictionary<string, double> { [Name] = plans[i].Count - RegionRemoval.Trapezoid(curve) },
                new Dictionary<string, MetricCurve> { [Name] = RegionRemoval.Curve(curve) });
        }).ToList();
    }

    /// <summary>One image's removal plan: each pixel's segment rank (0 = removed first), the value its segment is filled with, the segment count.</summary>
    sealed record RemovalPlan(long[] Rank, float[] Fill, int Count);

    RemovalPlan Plan(float[] image, double[] map, int channels, int h, int w)
    {
        int pixels = h * w;
        var (labels, count) = Slic.Segment(image, h, w, segments, compactness);
        var relevance = new double[count];
        var size = new int[count];
        for (int p = 0; p < pixels; p++) { relevance[labels[p]] += map[p]; size[labels[p]]++; }
        var order = Enumerable.Range(0, count).OrderByDescending(s => relevance[s] / size[s]).ToArray();
        var segmentRank = new long[count];
        for (int r = 0; r < count; r++) segmentRank[order[r]] = r;
        // Step k fills its segment with the mean of the image after steps 0 … k − 1: the sum changes by what the segment held.
        var segmentSum = new double[count];
        for (int ch = 0; ch < channels; ch++)
            for (int p = 0; p < pixels; p++) segmentSum[labels[p]] += image[ch * pixels + p];
        double sum = image.Sum(v => (double)v), total = image.Length;
        var segmentFill = new double[count];
        foreach (var s in order)
        {
            segmentFill[s] = sum / total;
            sum += segmentFill[s] * size[s] * channels - segmentSum[s];
        }
        return new RemovalPlan(labels.Select(l => segmentRank[l]).ToArray(), labels.Select(l => (float)segmentFill[l]).ToArray(), count);
    }
}
