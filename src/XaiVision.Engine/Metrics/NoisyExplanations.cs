using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// The loop of Quantus's robustness metrics: for each of <c>samples</c> draws, noise is added to every image, the images are
/// explained again for their explained classes, and the metric compares. Draw k is U(0, 1) or N(0, 1) noise [C, H, W] from its own
/// generator (job seed · 1000003 + k), the same for every image, so a result depends on the seed and the image only; Quantus draws
/// from numpy's global generator, and the reference run hands it these. One draw is explained at a time: memory is one batch's.
/// </summary>
internal static class NoisyExplanations
{
    /// <summary>One draw: the noisy images, their maps [N, H·W] and their logits [N, classes].</summary>
    public sealed record Draw(Tensor Noisy, Tensor Maps, Tensor Logits);

    /// <param name="noise">a standard draw [C, H, W] → the noise to add (scaled, shifted).</param>
    /// <returns>per draw, per image, the value <paramref name="compare"/> gives.</returns>
    public static double[][] Run(MetricContext c, int samples, bool normal, Func<Tensor, Tensor> noise, Func<Draw, Tensor> compare)
    {
        long n = c.Images.shape[0], channels = c.Images.shape[1], h = c.Images.shape[2], w = c.Images.shape[3];
        var values = new double[samples][];
        for (int k = 0; k < samples; k++)
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator((ulong)(c.Seed * 1_000_003 + k));
            var draw = normal ? randn([channels, h, w], generator: generator) : rand([channels, h, w], generator: generator);
            var noisy = c.Images + noise(draw).to(c.Images.dtype, c.Images.device).unsqueeze(0);
            var maps = c.Explainer.Explain(c.Model, noisy, c.Targets, c.Seed).reshape(n, -1).to(ScalarType.Float64);
            Tensor logits;
            using (no_grad()) logits = c.Model.Forward(noisy).to(ScalarType.Float64);
            values[k] = compare(new Draw(noisy, maps, logits)).cpu().to(ScalarType.Float64).data<double>().ToArray();
        }
        return values;
    }

    /// <summary>Each image's map divided by its largest magnitude (Quantus's <c>normalise_by_max</c>, one image at a time) [N, H·W].</summary>
    public static Tensor NormaliseByMax(Tensor maps) =>
        maps / maps.abs().amax([1], keepdim: true).where(maps.abs().amax([1], keepdim: true).gt(0), ones(1, dtype: maps.dtype, device: maps.device));

    /// <summary>Whether each noisy image's predicted class differs from the clean one's [N].</summary>
    public static Tensor PredictionChanged(ExplainableModel model, Tensor images, Tensor noisyLogits)
    {
        using var _ = no_grad();
        return model.Forward(images).argmax(1).ne(noisyLogits.argmax(1));
    }
}
