using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Sufficiency (Dasgupta, Frost and Moshkovitz 2022, "Framework for evaluating faithfulness of local explanations", ICML; Quantus
/// <c>Sufficiency</c>): among the other images of the batch whose |map| lies near this one's — standardised Euclidean distance
/// (each pixel divided by its standard deviation over the batch, <c>cdist(…, 'seuclidean')</c>), over the largest distance in the
/// batch, at most <c>threshold</c> — the share the model predicts the same class for; 0 when none lies near. Higher is better.
/// A batch-level score, as in Quantus: it depends on the images evaluated together (a shard's batch of the job), not on the
/// image alone. Pixels equal across the whole batch are left out (Quantus divides 0 by a zero variance there, and a NaN
/// distance makes every image unlike every other: a CAM's zero corners would zero the score). Cost: one forward pass per image.
/// </summary>
public sealed class Sufficiency(double threshold) : IMetric
{
    public string Name => "sufficiency";
    public MetricCategory Category => MetricCategory.Faithfulness;
    public string Definition => "Share of the batch's images with a nearby map that get the same prediction (Dasgupta et al. 2022); batch-relative.";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.HigherIsBetter };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        long n = c.Maps.shape[0];
        var maps = c.Maps.reshape(n, -1).to(ScalarType.Float64).abs();
        // scipy stacks the two arguments (the same maps twice) for the variances, ddof = 1.
        var variance = maps.var(0, unbiased: false) * (2.0 * n) / (2.0 * n - 1);
        var scale = variance.gt(0).to(ScalarType.Float64) / variance.clamp_min(double.Epsilon).sqrt();
        var standardised = maps * scale;
        var distance = cdist(standardised.unsqueeze(0), standardised.unsqueeze(0)).squeeze(0);
        var largest = distance.max();
        if (largest.item<double>() > 0) distance = distance / largest;
        var near = distance.le(threshold).logical_and(eye(n, dtype: ScalarType.Bool, device: distance.device).logical_not());
        Tensor predicted;
        using (no_grad()) predicted = c.Model.Forward(c.Images).argmax(1);
        var agree = predicted.unsqueeze(0).eq(predicted.unsqueeze(1)).to(distance.device);
        var scores = (near.logical_and(agree).sum(1).to(ScalarType.Float64) / near.sum(1).to(ScalarType.Float64).clamp_min(1)).cpu().data<double>().ToArray();
        return scores.Select(s => (MetricResult)new Dictionary<string, double> { [Name] = s }).ToList();
    }
}
