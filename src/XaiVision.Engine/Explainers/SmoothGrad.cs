using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// SmoothGrad (Smilkov et al., 2017): the mean of |∂y/∂x| over <c>samples</c> copies of the image
/// with Gaussian noise of σ = <c>noise</c> · (max − min) of that image, summed over colour channels
/// (Captum's NoiseTunnel over absolute-value saliency). The noise is seeded from the job.
/// </summary>
public sealed class SmoothGrad : GradientExplainer
{
    readonly int _samples;
    readonly double _noise;
    readonly int _batch;

    public SmoothGrad(MethodSpec spec)
    {
        _samples = spec.Int("samples", 16, 1, 4096);
        _noise = spec.Double("noise", 0.15, 0, 10);
        _batch = spec.Int("batch", 64, 1, 65536);
    }

    public override string Name => "smoothgrad";

    public override IReadOnlyDictionary<string, string> Describe(ExplainableModel model) => new Dictionary<string, string>
    {
        ["samples"] = _samples.ToString(),
        ["noise"] = _noise.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["batch"] = _batch.ToString(),
    };

    public override Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        long n = images.shape[0];
        var flat = images.view(n, -1);
        var sigma = ((flat.amax([1]) - flat.amin([1])) * _noise).view(n, 1, 1, 1);
        // Noise is drawn on the CPU from the seed, so maps match across devices and batch sizes.
        var noise = SeededNoise.NormalCopies(seed, images, _samples);
        var gradientSum = AccumulateGradients(model, images, targets, _samples, _batch,
            (image, sample) => images.index_select(0, image) + sigma.index_select(0, image) * noise.index_select(0, image * _samples + sample),
            (gradients, _, _) => gradients.abs());
        return (gradientSum / _samples).sum(1).MoveToOuterDisposeScope();
    }
}
