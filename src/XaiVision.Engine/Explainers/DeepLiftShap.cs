using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// DeepLIFT SHAP (Lundberg and Lee 2017, "A unified approach to interpreting model predictions", NeurIPS; Captum
/// <c>DeepLiftShap</c>): the mean of DeepLIFT's (x − x′ⱼ) · mⱼ over a distribution of <c>samples</c> (5) references x′ⱼ, summed
/// over the colour channels. Σ map = y(x) − mean y(x′ⱼ). Captum takes the distribution from the user; here it is noise images
/// (pixels U(0, 1), normalised), drawn from the job's seed, the same for every image. Cost: DeepLIFT's times <c>samples</c>.
/// </summary>
public sealed class DeepLiftShap : GradientExplainer
{
    readonly int _samples;
    readonly int _batch;

    public DeepLiftShap(MethodSpec spec)
    {
        _samples = spec.Int("samples", 5, 1, 1024);
        _batch = spec.Int("batch", 64, 2, 65536);
    }

    public override string Name => "deep-lift-shap";

    public override IReadOnlyDictionary<string, string> Describe(ExplainableModel model) => new Dictionary<string, string>
    {
        ["samples"] = _samples.ToString(),
        ["baselines"] = "uniform noise",
        ["rule"] = "rescale",
        ["batch"] = _batch.ToString(),
    };

    public override Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        long n = images.shape[0];
        var references = References(model, images, seed); // [samples, C, H, W]
        var inputs = images.repeat_interleave(_samples, 0);
        var paired = references.repeat(n, 1, 1, 1);
        var attributions = DeepLift.Attributions(model, inputs, paired, targets.repeat_interleave(_samples, 0), _batch, Name);
        return attributions.view(n, _samples, images.shape[1], images.shape[2], images.shape[3]).mean([1]).sum(1).MoveToOuterDisposeScope();
    }

    /// <summary>The reference images: U(0, 1) pixels [1, samples, C, H, W] from the seed, normalised.</summary>
    Tensor References(ExplainableModel model, Tensor images, long seed)
    {
        using var scope = NewDisposeScope();
        var pixels = SeededNoise.Uniform(seed, 1, [_samples, images.shape[1], images.shape[2], images.shape[3]], images.device)[0];
        var p = model.Preprocessing;
        var (mean, std) = (tensor(p.Mean, device: images.device).view(1, -1, 1, 1), tensor(p.Std, device: images.device).view(1, -1, 1, 1));
        return ((pixels - mean) / std).to(images.dtype).MoveToOuterDisposeScope();
    }
}
