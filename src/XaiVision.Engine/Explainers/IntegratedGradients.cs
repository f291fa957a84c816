using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Integrated Gradients (Sundararajan et al., ICML 2017):
/// IG_c(x) = (x_c − x'_c) · ∫₀¹ ∂y/∂x_c (x' + α(x − x')) dα, approximated by the midpoint rule
/// with <c>steps</c> points (error O(1/steps²)); map = Σ_c IG_c. Completeness: Σ IG ≈ y(x) − y(x').
/// Baselines: <c>zero</c> (zeros in normalised space, Captum's default) or <c>black</c> (black pixels).
/// Parameters: steps (default 32), baseline, batch (rows per forward/backward, default 64).
/// </summary>
public sealed class IntegratedGradients : GradientExplainer
{
    static readonly Dictionary<string, string> Baselines = new() { ["zero"] = "zero", ["black"] = "black" };

    readonly int _steps;
    readonly string _baseline;
    readonly int _batch;

    public IntegratedGradients(MethodSpec spec)
    {
        _steps = spec.Int("steps", 32, 1, 4096);
        _baseline = spec.Choice("baseline", "zero", Baselines);
        _batch = spec.Int("batch", 64, 1, 65536);
    }

    public override string Name => "integrated-gradients";

    public override IReadOnlyDictionary<string, string> Describe(ExplainableModel model) => new Dictionary<string, string>
    {
        ["steps"] = _steps.ToString(),
        ["baseline"] = _baseline,
        ["batch"] = _batch.ToString(),
        ["rule"] = "midpoint",
    };

    public Tensor Baseline(ExplainableModel model, Tensor images) => Baseline(model, images, _baseline);

    /// <summary>The baseline images: <c>zero</c> (zeros in normalised space) or <c>black</c> (black pixels, normalised).</summary>
    public static Tensor Baseline(ExplainableModel model, Tensor images, string kind)
    {
        if (kind == "zero") return zeros_like(images);
        var p = model.Preprocessing;
        var black = tensor(Enumerable.Range(0, 3).Select(c => p.Normalise(c, 0f)).ToArray(), device: images.device).view(1, 3, 1, 1).to(images.dtype);
        return black.expand_as(images).contiguous();
    }

    public override Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        var baseline = Baseline(model, images);
        var delta = images - baseline;
        var alphas = ((arange(_steps, dtype: ScalarType.Float32, device: images.device) + 0.5f) / _steps).to(images.dtype); // reduced-precision models get reduced-precision inputs
        var gradientSum = AccumulateGradients(model, images, targets, _steps, _batch,
            (image, step) => baseline.index_select(0, image) + alphas.index_select(0, step).view(-1, 1, 1, 1) * delta.index_select(0, image),
            (gradients, _, _) => gradients);
        return (delta * gradientSum / _steps).sum(1).MoveToOuterDisposeScope();
    }
}
