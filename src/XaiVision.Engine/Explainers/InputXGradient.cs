using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>Input × Gradient (Shrikumar et al., 2016): map = Σ_c x_c · ∂y/∂x_c (signed).</summary>
public sealed class InputXGradient : InputGradientExplainer
{
    public override string Name => "input-x-gradient";

    public override Tensor FromInputGradient(Tensor images, Tensor gradients) => (images * gradients).sum(1);
}
