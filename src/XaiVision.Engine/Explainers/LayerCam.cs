using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// LayerCAM (Jiang et al., IEEE TIP 2021): map = ReLU(Σ_k ReLU(∂y^c/∂A^k) ⊙ A^k) — element-wise
/// positive-gradient weights, so it stays sharp on lower layers.
/// </summary>
public sealed class LayerCam(MethodSpec spec) : CamExplainer(spec)
{
    public override string Name => "layer-cam";

    protected override Tensor Weighted(Tensor activations, Tensor gradients) => nn.functional.relu(gradients) * activations;
}
