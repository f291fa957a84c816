using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Rules;

/// <summary>
/// The original LRP-γ (Montavon et al. 2019, "Layer-wise relevance propagation: an overview", eq. 4):
/// R_i = Σ_j a_i (w_ij + γ w_ij⁺) / Σ_i a_i (w_ij + γ w_ij⁺) · R_j, biases alike (b + γ b⁺); γ = 0 is LRP-0.
/// Defined for non-negative inputs and positive outputs (a VGG's convolutions, which feed ReLUs); where an output that
/// carries relevance is negative (a ResNet block's second convolution, before the residual sum and the ReLU) its
/// denominator changes sign or nears zero. Kept as <c>gamma-variant=original</c>; <see cref="GammaRule"/> is the default.
/// </summary>
public sealed class OriginalGammaRule(double gamma) : ILrpRule
{
    public string Name => $"gamma-original({gamma})";

    public Tensor Forward(LrpCall call)
    {
        var layer = AffineLayer.Require(call, Name);
        var w = layer.Weight + gamma * layer.Weight.clamp(min: 0);
        var b = layer.Bias is null ? null : layer.Bias + gamma * layer.Bias.clamp(min: 0);
        var z = Stabiliser.Add(layer.Apply(call.Input, w, b), 1e-9);
        return Stabiliser.Reroute(call.Output, z);
    }
}
