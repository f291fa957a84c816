using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// GradientSHAP (Lundberg and Lee 2017, "A unified approach to interpreting model predictions", NeurIPS; Captum
/// <c>GradientShap</c>): expected gradients — the mean over <c>samples</c> (5) draws of (x̃ − b) · ∂y/∂x at b + α(x̃ − b), with
/// x̃ = x + N(0, <c>stdev</c>²) (0: Captum's default) and α ~ U(0, 1), summed over the colour channels (signed, as integrated
/// gradients). The baseline b is <c>zero</c> (zeros in normalised space) or <c>black</c> (black pixels): Captum draws it from the
/// distribution the user gives; one baseline is that distribution with one member. Draws from the job's seed (noise N(0, 1)
/// [samples, C, H, W]; α U(0, 1) [samples] from seed + 1), the same for every image.
/// </summary>
public sealed class GradientShap : GradientExplainer
{
    static readonly Dictionary<string, string> Baselines = new() { ["zero"] = "zero", ["black"] = "black" };

    readonly int _samples;
    readonly double _stdev;
    readonly string _baseline;
    readonly int _batch;

    public GradientShap(MethodSpec spec)
    {
        _samples = spec.Int("samples", 5, 1, 4096);
        _stdev = spec.Double("stdev", 0, 0, 100);
        _baseline = spec.Choice("baseline", "zero", Baselines);
        _batch = spec.Int("batch", 64, 1, 65536);
    }

    public override string Name => "gradient-shap";

    public override IReadOnlyDictionary<string, string> Describe(ExplainableModel model) => new Dictionary<string, string>
    {
        ["samples"] = _samples.ToString(),
        ["stdev"] = _stdev.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["baseline"] = _baseline,
        ["batch"] = _batch.ToString(),
    };

    public override Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        long n = images.shape[0];
        var baseline = IntegratedGradients.Baseline(model, images, _baseline);
        var noise = SeededNoise.NormalCopies(seed, images, _samples) * _stdev;
        var alphas = SeededNoise.Uniform(seed + 1, n, [_samples], images.device).view(n * _samples, 1, 1, 1).to(images.dtype);
        Tensor Noisy(Tensor image, Tensor sample) => images.index_select(0, image) + noise.index_select(0, image * _samples + sample);
        Tensor? chunk = null; // the chunk's image indices, for its (x̃ − b): the reduction runs right after the inputs are made
        var sum = AccumulateGradients(model, images, targets, _samples, _batch, (image, sample) =>
        {
            chunk = image;
            return baseline.index_select(0, image) + alphas.index_select(0, image * _samples + sample) * (Noisy(image, sample) - baseline.index_select(0, image));
        }, (gradients, _, sample) => (Noisy(chunk!, sample) - baseline.index_select(0, chunk!)) * gradients);
        return (sum / _samples).sum(1).MoveToOuterDisposeScope();
    }
}
