using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>One image's curve: class probability after each step, and its area under the curve.</summary>
public sealed record FaithfulnessCurve(float[] Scores, double Auc);

/// <summary>
/// Deletion and insertion (Petsiuk et al., "RISE", BMVC 2018, and its official code): pixels are
/// ranked by relevance (most relevant first) and changed <c>step</c> at a time; the score is the
/// probability of the class the model originally predicted; AUC by the trapezoid rule on [0, 1].
/// Deletion replaces pixels by the substrate (zeros in normalised space) — lower is better.
/// Insertion starts from the substrate (the image blurred with an 11-tap Gaussian, σ = 5) and puts
/// the original pixels back — higher is better. All steps of a batch run in chunks of at most
/// <c>maxBatch</c> images per forward pass.
/// </summary>
public sealed class DeletionInsertion(bool insertion, int steps = 28, int maxBatch = 64)
{
    public string Name => insertion ? "insertion" : "deletion";

    public MetricDirection Direction => insertion ? MetricDirection.HigherIsBetter : MetricDirection.LowerIsBetter;

    /// <param name="images">[N,C,H,W] normalised, on the model's device.</param>
    /// <param name="maps">[N,H,W] relevance maps.</param>
    /// <param name="targets">the class whose probability is tracked; default: each image's predicted class.</param>
    public IReadOnlyList<FaithfulnessCurve> Evaluate(ExplainableModel model, Tensor images, Tensor maps, Tensor? targets = null)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        targets ??= model.Forward(images).argmax(1);
        var substrate = insertion ? Blur(images) : zeros_like(images);
        var curves = insertion
            ? PixelFlipCurve.Evaluate(model, substrate, images, maps, targets, 1, true, steps, maxBatch)
            : PixelFlipCurve.Evaluate(model, images, substrate, maps, targets, 1, true, steps, maxBatch);
        return curves.Select(c => new FaithfulnessCurve(c, Trapezoid(c))).ToList();
    }

    /// <summary>Area under a curve sampled at equal steps on [0, 1].</summary>
    public static double Trapezoid(float[] curve) =>
        curve.Length < 2 ? curve.FirstOrDefault() : (curve.Sum(v => (double)v) - curve[0] / 2.0 - curve[^1] / 2.0) / (curve.Length - 1);

    /// <summary>RISE's insertion substrate: per-channel Gaussian blur, 11 taps, σ = 5, zero padding.</summary>
    public static Tensor Blur(Tensor images)
    {
        const int taps = 11;
        const double sigma = 5;
        var x = Enumerable.Range(0, taps).Select(i => i - taps / 2).Select(d => Math.Exp(-d * d / (2 * sigma * sigma))).ToArray();
        var kernel1d = x.Select(v => v / x.Sum()).ToArray();
        var kernel = new float[taps * taps];
        for (int i = 0; i < taps; i++)
            for (int j = 0; j < taps; j++)
                kernel[i * taps + j] = (float)(kernel1d[i] * kernel1d[j]);
        long channels = images.shape[1];
        using var k = tensor(kernel, dtype: images.dtype, device: images.device).view(1, 1, taps, taps).expand(channels, 1, taps, taps).contiguous();
        return nn.functional.conv2d(images, k, padding: [taps / 2, taps / 2], groups: channels);
    }
}
