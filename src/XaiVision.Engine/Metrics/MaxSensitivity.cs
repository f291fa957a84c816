using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Max-sensitivity (Yeh et al., NeurIPS 2019): the largest relative change of the map,
/// max_n ‖φ(x + δₙ) − φ(x)‖ / ‖φ(x)‖, over <c>samples</c> draws of uniform noise δ in the L∞ ball of
/// radius <c>radius</c> (pixel units, [0,1] scale; seeded). The target class stays the explained one.
/// Lower is better.
/// </summary>
public sealed class MaxSensitivity(int samples, double radius) : IMetric
{
    public string Name => "max-sensitivity";
    public MetricCategory Category => MetricCategory.Robustness;
    public string Definition => "Largest relative change of the map under uniform noise in pixel units (Yeh et al. 2019; ours, Quantus's is in input units).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.LowerIsBetter };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        var images = c.Images;
        long n = images.shape[0];
        var std = tensor(c.Model.Preprocessing.Std, dtype: images.dtype, device: images.device).view(1, -1, 1, 1);
        var noise = (SeededNoise.Uniform(c.Seed, n, [samples, images.shape[1], images.shape[2], images.shape[3]], images.device)
            .view(n * samples, images.shape[1], images.shape[2], images.shape[3]) * 2 - 1) * radius / std;
        var index = arange(n, device: images.device).repeat_interleave(samples);
        var noisy = images.index_select(0, index) + noise;
        var maps = c.Explainer.Explain(c.Model, noisy, c.Targets.index_select(0, index), c.Seed).view(n, samples, -1);
        var original = c.Maps.reshape(n, 1, -1);
        var relative = (maps - original).pow(2).sum(2).sqrt() / original.pow(2).sum(2).sqrt().clamp(min: 1e-12);
        var worst = relative.amax([1]).cpu().to(ScalarType.Float64).data<double>().ToArray();
        return worst.Select(v => (MetricResult)new Dictionary<string, double> { [Name] = v }).ToList();
    }
}
