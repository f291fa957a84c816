using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Eigen-Grad-CAM (pytorch-grad-cam's <c>EigenGradCAM</c>): Eigen-CAM over ∂y^c/∂A ⊙ A, so the component follows the target class:
/// map = ReLU(first principal component of the gradient-weighted activations, per position).
/// </summary>
public sealed class EigenGradCam(MethodSpec spec) : CamExplainer(spec)
{
    public override string Name => "eigen-grad-cam";

    protected override Tensor Weighted(Tensor activations, Tensor gradients) => gradients * activations;

    protected override Tensor Combine(Tensor activations, Tensor gradients) => nn.functional.relu(EigenProjection.Of(Weighted(activations, gradients)));
}
