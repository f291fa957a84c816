using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>Saliency (Simonyan et al., 2014): map = max_c |∂y^c/∂x_c|.</summary>
public sealed class Saliency : GradientExplainer, IInputGradientMethod
{
    public override string Name => "saliency";

    public override Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        return FromInputGradient(images, InputGradients(model, images, targets)).MoveToOuterDisposeScope();
    }

    public Tensor FromInputGradient(Tensor images, Tensor gradients) => gradients.abs().amax([1]);
}
