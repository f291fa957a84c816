using XaiVision.Engine.Memory;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// The loop of Quantus's ordered-removal metrics (pixel-flipping, region-perturbation, selectivity, faithfulness-estimate): the
/// image's regions (pixels, or patches) are ranked, and step j replaces, with the image's darkest value (Quantus's <c>black</c>
/// baseline: the minimum over all its channels), either the regions ranked below (j + 1)·group — cumulative — or only those ranked
/// j·group … (j + 1)·group − 1. Every step of every image is one row of a batched forward (<see cref="ChunkedScores"/>).
/// </summary>
internal static class RegionRemoval
{
    /// <param name="rank">each pixel's region's rank, [N, H·W] (0 = removed first).</param>
    /// <returns>scores of the explained class [N, steps] (probability or logit), on the CPU.</returns>
    /// <param name="insert">start from the darkest value everywhere and put the ranked pixels back instead (monotonicity).</param>
    public static float[][] Scores(ExplainableModel model, Tensor images, Tensor targets, Tensor rank, int group, int steps, bool cumulative,
        bool probability, int maxBatch, bool insert = false)
    {
        using var scope = NewDisposeScope();
        long n = images.shape[0], channels = images.shape[1], h = images.shape[2], w = images.shape[3];
        var black = images.reshape(n, -1).amin(1).view(n, 1, 1, 1);
        rank = rank.to(images.device);
        var scores = ChunkedScores.Run(model, n * steps, maxBatch, h * w, images.device, row =>
        {
            var image = row.div(steps, rounding_mode: RoundingMode.floor);
            var step = row.remainder(steps).unsqueeze(1);
            var pixelRank = rank.index_select(0, image);
            var removed = cumulative ? pixelRank.lt((step + 1) * group)
                : pixelRank.ge(step * group).logical_and(pixelRank.lt((step + 1) * group));
            var (moved, others) = insert ? (images.index_select(0, image), black.index_select(0, image)) : (black.index_select(0, image), images.index_select(0, image));
            var input = where(removed.view(-1, 1, h, w).expand(-1, channels, h, w), moved, others);
            return (input, targets.index_select(0, image));
        }, probability);
        var cpu = scores.view(n, steps).to(ScalarType.Float32).cpu();
        return Enumerable.Range(0, (int)n).Select(i => cpu[i].data<float>().ToArray()).ToArray();
    }

    /// <summary>The unperturbed scores of the explained classes [N] (probability or logit), on the CPU.</summary>
    public static float[] Reference(MetricContext c, int maxBatch, bool probability) =>
        ChunkedScores.Run(c.Model, c.Images.shape[0], maxBatch, c.Images.shape[2] * c.Images.shape[3], c.Images.device,
            row => (c.Images.index_select(0, row), c.Targets.index_select(0, row)), probability).to(ScalarType.Float32).cpu().data<float>().ToArray();

    /// <summary>One result per curve: its trapezoid area as the metric's value, the curve (sampled) for the charts.</summary>
    public static IReadOnlyList<MetricResult> AreaResults(string name, IEnumerable<float[]> curves) =>
        curves.Select(curve => new MetricResult(new Dictionary<string, double> { [name] = Trapezoid(curve) },
            new Dictionary<string, MetricCurve> { [name] = Curve(curve) })).ToList();

    /// <summary>The rank of every element of <paramref name="values"/> [N, K] in descending order (ascending with <paramref name="ascending"/>); ties by index.</summary>
    public static Tensor Ranks(Tensor values, bool ascending = false)
    {
        using var scope = NewDisposeScope();
        var order = values.sort(dim: 1, descending: !ascending, stable: true).Indices;
        return zeros_like(order).scatter_(1, order, arange(values.shape[1], device: values.device).expand_as(order).contiguous()).MoveToOuterDisposeScope();
    }

    /// <summary>Quantus's area: the trapezoid rule over the steps with spacing 1 (<c>utils.calculate_auc</c>).</summary>
    public static double Trapezoid(IReadOnlyList<float> curve)
    {
        double area = 0;
        for (int i = 1; i < curve.Count; i++) area += (curve[i - 1] + curve[i]) / 2.0;
        return area;
    }

    /// <summary>A curve of at most <paramref name="points"/> evenly spaced samples (linear between steps), for records and charts.</summary>
    public static MetricCurve Curve(IReadOnlyList<float> curve, int points = 64)
    {
        if (curve.Count <= points) return new MetricCurve(curve.Select(v => (double)v).ToList());
        return new MetricCurve(Enumerable.Range(0, points).Select(i =>
        {
            double at = i * (curve.Count - 1) / (double)(points - 1);
            int lo = (int)Math.Floor(at), hi = Math.Min(curve.Count - 1, lo + 1);
            return curve[lo] + (curve[hi] - curve[lo]) * (at - lo);
        }).ToList());
    }
}
