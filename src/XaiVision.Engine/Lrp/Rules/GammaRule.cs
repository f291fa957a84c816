using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Rules;

/// <summary>
/// LRP-γ (Montavon et al. 2019, eq. 4): R_i = Σ_j a_i (w_ij + γ w_ij⁺) / Σ_i a_i (w_ij + γ w_ij⁺) · R_j,
/// favouring positive contributions; biases alike (b + γ b⁺). γ = 0 is LRP-0.
/// </summary>
public sealed class GammaRule(double gamma) : ILrpRule
{
    public string Name => $"gamma({gamma})";

    public Tensor Forward(LrpCall call)
    {
        var layer = AffineLayer.Require(call, Name);
        var w = layer.Weight + gamma * layer.Weight.clamp(min: 0);
        var b = layer.Bias is null ? null : layer.Bias + gamma * layer.Bias.clamp(min: 0);
        var z = Stabiliser.Add(layer.Apply(call.Input, w, b), 1e-9);
        return Stabiliser.Reroute(call.Output, z);
    }
}
