using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Guided backpropagation (Springenberg et al. 2015; Captum <c>GuidedBackprop</c>) or, with <paramref name="deconvolution"/>,
/// deconvolution (Zeiler and Fergus 2014; Captum <c>Deconvolution</c>): ∂y/∂x with every ReLU module's backward replaced
/// (<see cref="ModifiedReluGradients"/>); the map is the largest magnitude over the colour channels, as saliency's.
/// </summary>
public sealed class GuidedBackprop(bool deconvolution) : GradientExplainer
{
    public override string Name => deconvolution ? "deconvolution" : "guided-backprop";

    public override Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        return PerChannel(model, images, targets, deconvolution, Name).abs().amax([1]).MoveToOuterDisposeScope();
    }

    /// <summary>The modified gradient per colour channel [N, C, H, W].</summary>
    internal static Tensor PerChannel(ExplainableModel model, Tensor images, Tensor targets, bool deconvolution, string method)
    {
        using var modified = new ModifiedReluGradients(model, deconvolution, method);
        return InputGradients(model, images, targets);
    }
}
