using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Average sensitivity (Yeh et al. 2019, "On the (in)fidelity and sensitivity of explanations", NeurIPS; Quantus
/// <c>AvgSensitivity</c>): the mean over <c>samples</c> draws of ‖φ(x + δ) − φ(x)‖ / ‖φ(x)‖, δ ~ U(−radius, radius) per input value
/// in the model's (normalised) input units, the maps compared as they are (Quantus: no normalisation, no abs; <c>normalise=true</c>
/// divides each by its largest magnitude first). Lower is better. With <paramref name="maximum"/>, the largest over the draws instead:
/// Quantus's <c>MaxSensitivity</c>, <c>max-sensitivity(units=input)</c>; our default <c>max-sensitivity</c> puts the radius in pixel
/// units (<see cref="MaxSensitivity"/>). Cost: <c>samples</c> explanations per image.
/// </summary>
public sealed class AvgSensitivity(int samples, double radius, bool normalise, bool maximum = false) : IMetric
{
    public string Name => maximum ? "max-sensitivity" : "avg-sensitivity";
    public MetricCategory Category => MetricCategory.Robustness;
    public string Definition => maximum
        ? "Largest relative change of the map when the input moves by small uniform noise in input units (Yeh et al. 2019)."
        : "Mean relative change of the map when the input moves by small uniform noise (Yeh et al. 2019).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.LowerIsBetter };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        var original = c.Maps.reshape(c.Maps.shape[0], -1).to(ScalarType.Float64);
        if (normalise) original = NoisyExplanations.NormaliseByMax(original);
        var norm = original.square().sum(1).sqrt();
        var changes = NoisyExplanations.Run(c, samples, normal: false, u => (u * 2 - 1) * radius, draw =>
            ((normalise ? NoisyExplanations.NormaliseByMax(draw.Maps) : draw.Maps) - original).square().sum(1).sqrt() / norm);
        return Enumerable.Range(0, (int)c.Maps.shape[0]).Select(i =>
        {
            var value = maximum ? changes.Max(s => s[i]) : changes.Average(s => s[i]);
            return double.IsFinite(value) ? new Dictionary<string, double> { [Name] = value } : MetricResult.Empty;
        }).ToList();
    }
}
