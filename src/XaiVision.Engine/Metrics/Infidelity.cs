using XaiVision.Engine.Memory;
using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Infidelity (Yeh et al., NeurIPS 2019) with square-patch perturbations: for <c>patches</c> random
/// squares of side <c>size</c> (fraction of the side; seeded), I = x − x₀ on the patch (x₀ = 0 in
/// normalised space), infidelity = mean over patches of (Iᵀφ − (f(x) − f(x − I)))², f the target logit
/// and φ the map (shared by the colour channels). With <c>normalise</c>, φ is first scaled by the
/// optimal β = E[Iᵀφ·Δf] / E[(Iᵀφ)²] (Yeh et al.'s normalised form), so only the map's shape counts.
/// Lower is better.
/// </summary>
public sealed class Infidelity(int patches, double size, bool normalise, int maxBatch) : IMetric
{
    public string Name => "infidelity";
    public MetricCategory Category => MetricCategory.Faithfulness;
    public string Definition => "Mean squared gap between map · perturbation and the change of the output it causes (Yeh et al. 2019).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.LowerIsBetter };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var images = c.Images;
        long n = images.shape[0], h = images.shape[2], w = images.shape[3];
        long side = Math.Max(1, (long)Math.Round(size * Math.Min(h, w)));
        var random = new Random(unchecked((int)c.Seed * 7919 + 3));
        var masks = zeros(patches, 1, h, w, device: images.device);
        for (int p = 0; p < patches; p++)
        {
            long top = random.NextInt64(0, h - side + 1), left = random.NextInt64(0, w - side + 1);
            masks[p, 0, TensorIndex.Slice(top, top + side), TensorIndex.Slice(left, left + side)] = 1;
        }
        var original = c.Model.Forward(images).gather(1, c.Targets.view(-1, 1)).view(n);
        // Iᵀφ for every (image, patch): Σ over patch pixels of (Σ_c x_c) · φ
        var dots = (images.sum(1).unsqueeze(1) * c.Maps.unsqueeze(1) * masks.squeeze(1).unsqueeze(0)).sum([2, 3]).cpu().to(ScalarType.Float64);

        var logits = ChunkedScores.Run(c.Model, n * patches, maxBatch, images.shape[2] * images.shape[3], images.device, row =>
        {
            var image = row.div(patches, rounding_mode: RoundingMode.floor);
            var patch = row.remainder(patches);
            return (images.index_select(0, image) * (1 - masks.index_select(0, patch)), c.Targets.index_select(0, image));
        }, probability: false);
        var drops = original.repeat_interleave(patches) - logits;
        var d = drops.cpu().to(ScalarType.Float64).data<double>().ToArray();
        var dot = dots.data<double>().ToArray();
        return Enumerable.Range(0, (int)n).Select(i =>
        {
            var di = d.AsSpan(i * patches, patches).ToArray();
            var ti = dot.AsSpan(i * patches, patches).ToArray();
            double beta = 1;
            if (normalise)
            {
                double tt = ti.Sum(t => t * t);
                beta = tt > 0 ? ti.Zip(di, (t, x) => t * x).Sum() / tt : 0;
            }
            return (MetricResult)new Dictionary<string, double> { [Name] = ti.Zip(di, (t, x) => Math.Pow(beta * t - x, 2)).Average() };
        }).ToList();
    }
}
