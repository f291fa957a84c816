using XaiVision.Engine.Memory;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Ablation-CAM (Desai &amp; Ramaswamy, WACV 2020), as pytorch-grad-cam's <c>AblationCAM</c>: each channel k of the layer is
/// ablated in turn (set to 0, or where the layer has negative values to its minimum − 1e7) and the network run on from there;
/// w_k = (y^c − y^c_{A^k ablated}) / y^c, map = ReLU(Σ_k w_k A^k). No gradient: one forward per channel and image, <c>batch</c> at a
/// time (32, pytorch-grad-cam's default). It replaces the layer's output, so it needs the network's own modules (not TorchScript,
/// not ViT's token layers). Departure: on a layer with negative values pytorch-grad-cam lowers the ablation value by a further
/// 1e7 for every row of its batch; ours uses the image's minimum − 1e7 for every channel.
/// </summary>
public sealed class AblationCam(MethodSpec spec) : CamExplainer(spec)
{
    const double AblationOffset = 1e7;
    readonly int _batch = spec.Int("batch", 32, 1, 65536);

    public override string Name => "ablation-cam";

    protected override Tensor Weighted(Tensor activations, Tensor gradients) =>
        throw new NotSupportedException("Ablation-CAM weighs the channels by ablating them: see Map.");

    protected override Tensor Map(ExplainableModel model, Tensor activations, Tensor gradients, Tensor images, Tensor targets)
    {
        if (model.Network is TorchScriptNetwork)
            throw new XaiVisionException("ablation-cam replaces the layer's output, which cannot be done inside a TorchScript model; use score-cam.");
        if (model.Architecture.TokensToMap is not null)
            throw new XaiVisionException($"ablation-cam ablates feature-map channels; {model.Architecture.Name}'s CAM layers are token layers. Use score-cam.");
        using var noGradient = no_grad();
        long n = activations.shape[0], channels = activations.shape[1];
        var original = model.Forward(images).gather(1, targets.view(-1, 1)).view(-1).to(activations.dtype);
        var floor = activations.amin([1, 2, 3]);
        var ablated = where(floor == 0, zeros_like(floor), floor - AblationOffset); // [N]: the value an ablated channel takes
        Tensor rows = empty(0, ScalarType.Int64);
        var hook = model.FeatureMapLayer(LayerOn(model)).register_forward_hook((_, _, output) =>
        {
            var image = rows.div(channels, rounding_mode: RoundingMode.floor);
            var hit = nn.functional.one_hot(rows.remainder(channels), channels).to(ScalarType.Bool).view(-1, channels, 1, 1);
            return where(hit, ablated.index_select(0, image).view(-1, 1, 1, 1), activations.index_select(0, image)).to(output.dtype);
        });
        Tensor scores;
        try
        {
            scores = ChunkedScores.Run(model, n * channels, _batch, images.shape[2] * images.shape[3], images.device, chunk =>
            {
                rows = chunk;
                var image = chunk.div(channels, rounding_mode: RoundingMode.floor);
                return (images.index_select(0, image), targets.index_select(0, image));
            }, probability: false);
        }
        finally
        {
            hook.remove();
        }
        var weights = (original.view(n, 1) - scores.view(n, channels).to(activations.dtype)) / original.view(n, 1);
        return Finish(weights.view(n, channels, 1, 1) * activations);
    }
}
