using XaiVision.Engine.Memory;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Score-CAM (Wang et al., CVPR Workshops 2020, arXiv 1910.01279), as pytorch-grad-cam's <c>ScoreCAM</c>: each channel of the layer,
/// upsampled to the input (bilinear, corners aligned) and scaled to [0, 1], masks the image; the target's logit on each masked
/// image, softmaxed over the channels, weighs them: map = ReLU(Σ_k softmax_k(y^c(x ⊙ s(up(A^k)))) A^k), s(m) = (m − min)/(max − min + 1e-8).
/// No gradient: one forward per channel and image, <c>batch</c> at a time (16, pytorch-grad-cam's default; capped by what the
/// host holds). On the shared pass it takes the activations the pass captured.
/// </summary>
public sealed class ScoreCam(MethodSpec spec) : CamExplainer(spec)
{
    readonly int _batch = spec.Int("batch", 16, 1, 65536);

    public override string Name => "score-cam";

    protected override Tensor Weighted(Tensor activations, Tensor gradients) =>
        throw new NotSupportedException("Score-CAM weighs the channels by scoring masked images: see Map.");

    protected override Tensor Map(ExplainableModel model, Tensor activations, Tensor gradients, Tensor images, Tensor targets)
    {
        using var noGradient = no_grad();
        long n = activations.shape[0], channels = activations.shape[1];
        var (height, width) = (images.shape[2], images.shape[3]);
        var perChannel = activations.reshape(n * channels, 1, activations.shape[2], activations.shape[3]); // row = image · K + channel
        var scores = ChunkedScores.Run(model, n * channels, _batch, height * width, images.device, rows =>
        {
            var image = rows.div(channels, rounding_mode: RoundingMode.floor);
            var mask = nn.functional.interpolate(perChannel.index_select(0, rows).to(images.dtype), [height, width],
                mode: InterpolationMode.Bilinear, align_corners: true);
            var (low, high) = (mask.amin([1, 2, 3], keepdim: true), mask.amax([1, 2, 3], keepdim: true));
            mask = (mask - low) / (high - low + 1e-8);
            return (images.index_select(0, image) * mask, targets.index_select(0, image));
        }, probability: false);
        var weights = scores.view(n, channels).to(activations.dtype).softmax(1);
        return Finish(weights.view(n, channels, 1, 1) * activations);
    }
}
