using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Grad-CAM element-wise (pytorch-grad-cam's <c>GradCAMElementWise</c>, after Draelos &amp; Carin's HiResCAM): map =
/// Σ_k ReLU(∂y^c/∂A^k ⊙ A^k) — each channel's element-wise contribution clipped at zero before the sum, so a channel's negative
/// evidence cannot cancel another's positive evidence at the same position.
/// </summary>
public sealed class GradCamElementWise(MethodSpec spec) : CamExplainer(spec)
{
    public override string Name => "grad-cam-elementwise";

    protected override Tensor Weighted(Tensor activations, Tensor gradients) => nn.functional.relu(gradients * activations);
}
