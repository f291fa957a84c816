using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// XGrad-CAM (Fu et al., BMVC 2020, arXiv 2008.02312): w_k = Σ_ij (A^k_ij / (Σ_ij A^k_ij + ε)) ∂y^c/∂A^k_ij, map = ReLU(Σ_k w_k A^k)
/// — Grad-CAM with the gradient weighted by the activation's share instead of averaged, ε = 1e-7 as in pytorch-grad-cam's
/// <c>XGradCAM</c>.
/// </summary>
public sealed class XGradCam(MethodSpec spec) : CamExplainer(spec)
{
    const double Epsilon = 1e-7;

    public override string Name => "xgrad-cam";

    protected override Tensor Weighted(Tensor activations, Tensor gradients) =>
        (gradients * activations).sum([2, 3], keepdim: true) / (activations.sum([2, 3], keepdim: true) + Epsilon) * activations;
}
