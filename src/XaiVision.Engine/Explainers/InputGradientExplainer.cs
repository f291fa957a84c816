using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>A gradient method whose map is a function of the images and ∂ target / ∂ input alone; a leaf says which (one step).</summary>
public abstract class InputGradientExplainer : GradientExplainer, IInputGradientMethod
{
    public sealed override Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        return FromInputGradient(images, InputGradients(model, images, targets)).MoveToOuterDisposeScope();
    }

    public abstract Tensor FromInputGradient(Tensor images, Tensor gradients);
}
