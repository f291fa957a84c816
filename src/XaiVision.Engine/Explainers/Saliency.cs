using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>Saliency (Simonyan et al., 2014): map = max_c |∂y^c/∂x_c|.</summary>
public sealed class Saliency : InputGradientExplainer
{
    public override string Name => "saliency";

    public override Tensor FromInputGradient(Tensor images, Tensor gradients) => gradients.abs().amax([1]);
}
