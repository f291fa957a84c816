using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Captum's <c>NoiseTunnel</c> (Smilkov et al. 2017, "SmoothGrad: removing noise by adding noise"; Adebayo et al. 2018, "Local
/// explanation methods for deep neural networks lack sensitivity to parameter values", for VarGrad) over a gradient method: the
/// method's per-channel attribution a_k of <c>samples</c> (5) copies of the image plus N(0, <c>stdev</c>²) noise (1.0, input units:
/// Captum's defaults), combined per channel as the mean (<c>type=smoothgrad</c>), the mean of squares (<c>smoothgrad-sq</c>) or
/// the variance, mean(a²) − mean(a)² (<c>vargrad</c>), then reduced over the colour channels as the method reduces
/// (<c>method=saliency</c>: |∂y/∂x| per channel, the largest; <c>input-x-gradient</c>: x̃ · ∂y/∂x̃ of the noisy copy, the sum).
/// Our <c>smoothgrad</c> is the older convention (noise relative to the image's range, channels summed). Draws: one N(0, 1)
/// block [samples, C, H, W] from the job's seed, the same for every image.
/// </summary>
public sealed class NoiseTunnel : GradientExplainer
{
    public enum Kind { SmoothGrad, SmoothGradSquared, VarGrad }

    readonly bool _inputTimesGradient;
    readonly Kind _kind;
    readonly int _samples;
    readonly double _stdev;
    readonly int _batch;

    public NoiseTunnel(MethodSpec spec)
    {
        _inputTimesGradient = spec.Choice("method", false, new Dictionary<string, bool> { ["saliency"] = false, ["input-x-gradient"] = true });
        _kind = spec.Choice("type", Kind.SmoothGrad, new Dictionary<string, Kind>
        {
            ["smoothgrad"] = Kind.SmoothGrad, ["smoothgrad-sq"] = Kind.SmoothGradSquared, ["vargrad"] = Kind.VarGrad,
        });
        _samples = spec.Int("samples", 5, 1, 4096);
        _stdev = spec.Double("stdev", 1.0, 0, 100);
        _batch = spec.Int("batch", 64, 1, 65536);
    }

    public override string Name => "noise-tunnel";

    public override IReadOnlyDictionary<string, string> Describe(ExplainableModel model) => new Dictionary<string, string>
    {
        ["method"] = _inputTimesGradient ? "input-x-gradient" : "saliency",
        ["type"] = _kind switch { Kind.SmoothGradSquared => "smoothgrad-sq", Kind.VarGrad => "vargrad", _ => "smoothgrad" },
        ["samples"] = _samples.ToString(),
        ["stdev"] = _stdev.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["batch"] = _batch.ToString(),
    };

    public override Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        var noise = SeededNoise.NormalCopies(seed, images, _samples) * _stdev;
        Tensor Attribution(Tensor gradients, Tensor inputs) => _inputTimesGradient ? inputs * gradients : gradients.abs();
        // One pass sums each copy's attribution and its square side by side (channels 0 … C−1 and C … 2C−1).
        var sums = AccumulateGradients(model, images, targets, _samples, _batch,
            (image, sample) => images.index_select(0, image) + noise.index_select(0, image * _samples + sample),
            (gradients, inputs, _) => Attribution(gradients, inputs) is var a ? cat([a, a.square()], 1) : null!, folds: 2) / _samples;
        var (mean, meanSquare) = (sums.narrow(1, 0, images.shape[1]), sums.narrow(1, images.shape[1], images.shape[1]));
        var combined = _kind switch { Kind.SmoothGrad => mean, Kind.SmoothGradSquared => meanSquare, _ => meanSquare - mean * mean };
        return (_inputTimesGradient ? combined.sum(1) : combined.amax([1])).MoveToOuterDisposeScope();
    }
}
