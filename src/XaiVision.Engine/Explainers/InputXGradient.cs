using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>Input × Gradient (Shrikumar et al., 2016): map = Σ_c x_c · ∂y/∂x_c (signed).</summary>
public sealed class InputXGradient : GradientExplainer, IInputGradientMethod
{
    public override string Name => "input-x-gradient";

    public override Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        return FromInputGradient(images, InputGradients(model, images, targets)).MoveToOuterDisposeScope();
    }

    public Tensor FromInputGradient(Tensor images, Tensor gradients) => (images * gradients).sum(1);
}
