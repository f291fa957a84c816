using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Continuity (Montavon et al. 2018, "Methods for interpreting and understanding deep neural networks", Digital Signal
/// Processing 73; Quantus <c>Continuity</c>): the image is slid sideways in <c>steps</c> equal moves across its whole width
/// (translation t = −W + s·⌊(2W + 1)/steps⌋, s = 1 … steps; the uncovered columns black, the image's smallest value), explained
/// again for its explained class, and scored by the largest ‖φ(x) − φ(x′)‖₁ / (‖x − x′‖₂ + 1e−9), each map divided by its largest
/// magnitude and then made absolute (Quantus's defaults). Lower is better. A move of zero columns leaves the image as it was and
/// is not scored (Quantus gets 0 there only because its explainer repeats itself bit for bit); a move past the width shows a
/// black image (Quantus's index runs out there). Cost: <c>steps</c> explanations per image.
/// </summary>
public sealed class Continuity(int steps) : IMetric
{
    public string Name => "continuity";
    public MetricCategory Category => MetricCategory.Robustness;
    public string Definition => "Largest change of the map per change of the image as the image slides sideways (Montavon et al. 2018).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.LowerIsBetter };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        long n = c.Images.shape[0], width = c.Images.shape[3];
        var original = NoisyExplanations.NormaliseByMax(c.Maps.reshape(n, -1).to(ScalarType.Float64)).abs();
        var images = c.Images.reshape(n, -1).to(ScalarType.Float64);
        var worst = Enumerable.Repeat(double.NaN, (int)n).ToArray();
        long dx = (2 * width + 1) / steps;
        for (int s = 1; s <= steps; s++)
        {
            long shift = -width + s * dx;
            if (shift == 0) continue;
            using var step = NewDisposeScope();
            var moved = Translate(c.Images, shift);
            var maps = NoisyExplanations.NormaliseByMax(c.Explainer.Explain(c.Model, moved, c.Targets, c.Seed).reshape(n, -1).to(ScalarType.Float64)).abs();
            var ratio = (original - maps).abs().sum(1) / ((images - moved.reshape(n, -1).to(ScalarType.Float64)).square().sum(1).sqrt() + 1e-9);
            var values = ratio.cpu().data<double>().ToArray();
            for (int i = 0; i < n; i++) worst[i] = double.IsNaN(worst[i]) ? values[i] : Math.Max(worst[i], values[i]);
        }
        return worst.Select(v => double.IsFinite(v) ? new Dictionary<string, double> { [Name] = v } : MetricResult.Empty).ToList();
    }

    /// <summary>The images moved <paramref name="shift"/> columns right (left when negative), the uncovered columns each image's smallest value.</summary>
    static Tensor Translate(Tensor images, long shift)
    {
        long n = images.shape[0], width = images.shape[3];
        var black = images.reshape(n, -1).amin([1]).view(n, 1, 1, 1).expand_as(images);
        if (Math.Abs(shift) >= width) return black.clone();
        var kept = shift > 0 ? images.narrow(3, 0, width - shift) : images.narrow(3, -shift, width + shift);
        var fill = black.narrow(3, 0, Math.Abs(shift));
        return shift > 0 ? cat([fill, kept], 3) : cat([kept, fill], 3);
    }
}
