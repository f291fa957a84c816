using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Grad-CAM (Selvaraju et al., ICCV 2017): w_k = mean_ij ∂y^c/∂A^k_ij, map = ReLU(Σ_k w_k A^k).
/// </summary>
public sealed class GradCam(MethodSpec spec) : CamExplainer(spec)
{
    public override string Name => "grad-cam";

    protected override Tensor Weighted(Tensor activations, Tensor gradients) => gradients.mean([2, 3], keepdim: true) * activations;
}
