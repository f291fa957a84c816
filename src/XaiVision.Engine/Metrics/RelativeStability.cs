using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Relative input and output stability (Agarwal et al. 2022, "Rethinking stability for attribution-based explanations",
/// arXiv 2203.06877; Quantus <c>RelativeInputStability</c>, <c>RelativeOutputStability</c>): over <c>samples</c> draws of noise
/// δ ~ U(low, high) per input value (Quantus's 0.02 … 0.2, model input units), the largest ratio of the map's relative change
/// ‖(φ(x) − φ(x'))/φ(x)‖₂ (element by element; a zero element divides by <c>eps</c>) to the input's relative change ‖(x − x')/x‖₂
/// (<c>relative-input-stability</c>), to the logits' change ‖h(x) − h(x')‖₂ (<c>relative-output-stability</c>) or to a layer's
/// relative change ‖(L(x) − L(x'))/L(x)‖₂ (<c>relative-representation-stability(layer=…)</c>, by default the model's CAM layer;
/// Quantus's default concatenates every layer's output), a zero denominator raised to <c>eps</c>. Lower is better. Draws that change
/// the predicted class do not count (Quantus then makes the whole image's score NaN; ours is the maximum over the draws that kept
/// it, none when none did). Cost: <c>samples</c> explanations per image (and a forward more for the representation).
/// </summary>
public sealed class RelativeStability(RelativeStability.Against against, int samples, double low, double high, double eps, string? layer = null) : IMetric
{
    /// <summary>What the map's change is weighed against: the input's relative change, the logits' change, or a layer's relative change.</summary>
    public enum Against { Input, Output, Representation }

    public string Name => $"relative-{against.ToString().ToLowerInvariant()}-stability";
    public MetricCategory Category => MetricCategory.Robustness;
    public string Definition => against switch
    {
        Against.Output => "Largest ratio of the map's relative change to the logits' change under small input noise (Agarwal et al. 2022).",
        Against.Representation => "Largest ratio of the map's relative change to a layer's relative change under small input noise (Agarwal et al. 2022).",
        _ => "Largest ratio of the map's relative change to the input's relative change under small input noise (Agarwal et al. 2022).",
    };
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.LowerIsBetter };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        long n = c.Maps.shape[0];
        var original = c.Maps.reshape(n, -1).to(ScalarType.Float64);
        var images = c.Images.reshape(n, -1).to(ScalarType.Float64);
        Tensor logits;
        using (no_grad()) logits = c.Model.Forward(c.Images).to(ScalarType.Float64);
        var representation = against == Against.Representation ? Representation.Of(c.Model, c.Images, layer) : null;
        static Tensor Relative(Tensor before, Tensor after, double eps) => (before - after) / (before + before.eq(0).to(before.dtype) * eps);
        var ratios = NoisyExplanations.Run(c, samples, normal: false, u => low + (high - low) * u, draw =>
        {
            var numerator = Relative(original, draw.Maps, eps).square().sum(1).sqrt();
            var denominator = against switch
            {
                Against.Output => (logits - draw.Logits).square().sum(1).sqrt(),
                Against.Representation => Relative(representation!, Representation.Of(c.Model, draw.Noisy, layer), eps).square().sum(1).sqrt(),
                _ => Relative(images, draw.Noisy.reshape(n, -1).to(ScalarType.Float64), eps).square().sum(1).sqrt(),
            };
            denominator = denominator + denominator.eq(0).to(denominator.dtype) * eps;
            return where(logits.argmax(1).ne(draw.Logits.argmax(1)), full_like(numerator, double.NaN), numerator / denominator);
        });
        return Enumerable.Range(0, (int)n).Select(i =>
        {
            var kept = ratios.Select(s => s[i]).Where(double.IsFinite).ToList();
            return kept.Count == 0 ? MetricResult.Empty : new Dictionary<string, double> { [Name] = kept.Max() };
        }).ToList();
    }
}
