using XaiVision.Engine.Models;
using XaiVision.Engine.Native;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Class-activation-map methods: capture a layer's output A, take d(target logit)/dA, weigh the
/// activations (the one step subclasses override), sum them over the channels — or, with <c>eigen-smooth=true</c>
/// (pytorch-grad-cam's <c>eigen_smooth</c>), take their first principal component (<see cref="EigenProjection"/>) —, ReLU, and
/// upsample bilinearly (align_corners = false) to the input size.
/// The layer output is detached and marked as requiring grad inside a forward hook, so autograd
/// records only the network above the layer (parameters are frozen and the input needs no grad).
/// </summary>
public abstract class CamExplainer : ILayerGradientMethod
{
    readonly string? _layer;
    readonly bool _eigenSmooth;

    protected CamExplainer(MethodSpec spec)
    {
        _layer = spec.String("layer") ?? spec.DefaultLayer;
        _eigenSmooth = spec.Choice("eigen-smooth", false, new Dictionary<string, bool> { ["true"] = true, ["false"] = false });
    }

    public abstract string Name { get; }

    /// <summary>The layer the method string names (null: the architecture's default).</summary>
    public string? LayerName => _layer;

    public IReadOnlyDictionary<string, string> Describe(ExplainableModel model) => _eigenSmooth
        ? new Dictionary<string, string> { ["layer"] = _layer ?? model.Architecture.DefaultCamLayer, ["eigen-smooth"] = "true" }
        : new Dictionary<string, string> { ["layer"] = _layer ?? model.Architecture.DefaultCamLayer };

    /// <summary>A TorchScript model hands the activation over as its second output; the input needs a gradient so the activation is in the graph.</summary>
    Tensor ExplainScript(ExplainableModel model, TorchScriptNetwork script, Tensor images, Tensor targets, bool upsample)
    {
        using var scope = NewDisposeScope();
        if (!script.ReturnsActivation)
            throw new XaiVisionException($"{Name} needs the TorchScript model to return (logits, activation): export it with tools/export-torchscript.py --layer <layer>.");
        if (_layer is not null && _layer != TorchScriptNetwork.ActivationLayer)
            throw new XaiVisionException($"A TorchScript model has one CAM layer, '{TorchScriptNetwork.ActivationLayer}' (the activation it returns); '{_layer}' cannot be reached inside it.");
        using var grad = enable_grad();
        var logits = model.Forward(images.detach().requires_grad_(true));
        var activations = script.LastActivation ?? throw new XaiVisionException("The TorchScript model returned no activation.");
        var gradients = Backward.Grad([TargetScores.Sum(logits, targets)], [activations])[0];
        var coarse = Map(model, activations.detach(), gradients, images, targets);
        return (upsample ? Upsample(coarse, images) : coarse).MoveToOuterDisposeScope();
    }

    /// <summary>Maps [N,h,w] resized to the images' size, bilinearly (align_corners = false: OpenCV's <c>resize</c>, as pytorch-grad-cam's).</summary>
    internal static Tensor Upsample(Tensor cam, Tensor images) =>
        nn.functional.interpolate(cam.unsqueeze(1), [images.shape[2], images.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1);

    /// <summary>pytorch-grad-cam's <c>scale_cam_image</c> on every map (the last two dimensions): (m − min) / (max + 10⁻⁷).</summary>
    internal static Tensor ScaledToUnit(Tensor maps)
    {
        var shifted = maps - maps.amin([-2, -1], keepdim: true);
        return shifted / (shifted.amax([-2, -1], keepdim: true) + 1e-7);
    }

    /// <summary>
    /// The weighted activations [N,K,h,w] whose channel sum is the map (pytorch-grad-cam's <c>get_cam_image</c> before its sum): the
    /// one step most CAM methods override.
    /// </summary>
    protected abstract Tensor Weighted(Tensor activations, Tensor gradients);

    /// <summary>The coarse map [N,h,w] from weighted activations: ReLU of their channel sum, or of their first principal component.</summary>
    protected Tensor Finish(Tensor weighted) => nn.functional.relu(_eigenSmooth ? EigenProjection.Of(weighted) : weighted.sum(1));

    /// <summary>Combines activations and gradients [N,K,h,w] into a map [N,h,w].</summary>
    protected virtual Tensor Combine(Tensor activations, Tensor gradients) => Finish(Weighted(activations, gradients));

    /// <summary>The coarse map [N,h,w]; a method that needs more than the layer (Score-CAM scores masked images) overrides this.</summary>
    protected virtual Tensor Map(ExplainableModel model, Tensor activations, Tensor gradients, Tensor images, Tensor targets) =>
        Combine(activations, gradients);

    public string LayerOn(ExplainableModel model) => _layer ?? model.Architecture.DefaultCamLayer;

    public Tensor FromLayer(ExplainableModel model, Tensor activations, Tensor gradients, Tensor images, Tensor targets) =>
        FromLayer(model, activations, gradients, images, targets, upsample: true);

    /// <summary><see cref="FromLayer(ExplainableModel, Tensor, Tensor, Tensor, Tensor)"/> at the layer's resolution [N, h, w].</summary>
    public Tensor CoarseFromLayer(ExplainableModel model, Tensor activations, Tensor gradients, Tensor images, Tensor targets) =>
        FromLayer(model, activations, gradients, images, targets, upsample: false);

    Tensor FromLayer(ExplainableModel model, Tensor activations, Tensor gradients, Tensor images, Tensor targets, bool upsample)
    {
        using var scope = NewDisposeScope();
        var (a, g) = (activations, gradients);
        if (model.Architecture.TokensToMap is { } toMap) (a, g) = (toMap(a), toMap(g)); // tokens → [N, C, h, w] (ViT)
        var coarse = Map(model, a, g, images, targets);
        return (upsample ? Upsample(coarse, images) : coarse).MoveToOuterDisposeScope();
    }

    public Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed) => Explain(model, images, targets, upsample: true);

    /// <summary>The coarse map at the layer's resolution [N, h, w], before upsampling (Captum's <c>LayerGradCam</c> for Grad-CAM).</summary>
    public Tensor Coarse(ExplainableModel model, Tensor images, Tensor targets) => Explain(model, images, targets, upsample: false);

    Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, bool upsample)
    {
        if (model.Network is TorchScriptNetwork script) return ExplainScript(model, script, images, targets, upsample);
        using var scope = NewDisposeScope();
        var layer = model.FeatureMapLayer(_layer ?? model.Architecture.DefaultCamLayer);
        Tensor? activations = null;
        var hook = layer.register_forward_hook((_, _, output) =>
        {
            activations?.Dispose();
            // Sequential disposes what flows through it; keep our own handle, pass on a copy (an in-place activation after the
            // layer must not write into the leaf).
            activations = output.detach().requires_grad_(true).DetachFromDisposeScope();
            return activations.clone();
        });
        try
        {
            using var grad = enable_grad();
            var logits = model.Forward(images);
            hook.remove(); // Score-CAM's own forwards must not replace the activation
            if (activations is null) throw new XaiVisionException($"Layer '{_layer ?? model.Architecture.DefaultCamLayer}' was not used by the forward pass.");
            var gradients = Backward.Grad([TargetScores.Sum(logits, targets)], [activations])[0];
            return FromLayer(model, activations.detach(), gradients, images, targets, upsample).MoveToOuterDisposeScope();
        }
        finally
        {
            hook.remove();
            activations?.Dispose();
        }
    }
}
