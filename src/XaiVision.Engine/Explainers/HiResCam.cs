using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// HiResCAM (Draelos &amp; Carin 2020, arXiv 2011.08891): map = ReLU(Σ_k ∂y^c/∂A^k ⊙ A^k) — the gradient multiplies the activation
/// element-wise instead of being averaged first, so for a network ending in global average pooling and one linear layer the map
/// is exactly what each position adds to the score. pytorch-grad-cam's <c>HiResCAM</c>.
/// </summary>
public sealed class HiResCam(MethodSpec spec) : CamExplainer(spec)
{
    public override string Name => "hires-cam";

    protected override Tensor Weighted(Tensor activations, Tensor gradients) => gradients * activations;
}
