using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Grad-CAM++ (Chattopadhyay et al., WACV 2018), in the closed form of pytorch-grad-cam:
/// α = g² / (2g² + Σ_ij A · g³ + ε) where g ≠ 0 (else 0), w_k = Σ_ij α · ReLU(g), map = ReLU(Σ_k w_k A^k).
/// </summary>
public sealed class GradCamPlusPlus(MethodSpec spec) : CamExplainer(spec)
{
    const double Epsilon = 1e-6;

    public override string Name => "grad-cam++";

    protected override Tensor Weighted(Tensor activations, Tensor gradients)
    {
        var g2 = gradients.pow(2);
        var g3 = g2 * gradients;
        var sumActivations = activations.sum([2, 3], keepdim: true);
        var alpha = g2 / (2 * g2 + sumActivations * g3 + Epsilon);
        alpha = where(gradients.ne(0), alpha, zeros_like(alpha));
        var weights = (alpha * nn.functional.relu(gradients)).sum([2, 3], keepdim: true);
        return weights * activations;
    }
}
