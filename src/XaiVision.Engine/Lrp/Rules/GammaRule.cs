using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Rules;

/// <summary>
/// The generalised LRP-γ (Andéol et al. 2021, "Learning domain invariant representations by joint Wasserstein distance
/// minimization"; Zennit's <c>rules.Gamma</c>): a positive output is explained by its γ-enhanced positive contributions,
/// a negative output by its γ-enhanced negative ones:
/// <code>
///   z⁺_j = Σ_i a_i⁺ (w_ij + γ w_ij⁺) + a_i⁻ (w_ij + γ w_ij⁻) + b_j + γ b_j⁺      (used where y_j &gt; 0)
///   z⁻_j = Σ_i a_i⁺ (w_ij + γ w_ij⁻) + a_i⁻ (w_ij + γ w_ij⁺) + b_j + γ b_j⁻      (used where y_j &lt; 0)
///   R_i  = Σ_j [y_j &gt; 0] (a_i⁺ (w_ij + γ w_ij⁺) + a_i⁻ (w_ij + γ w_ij⁻)) R_j / z⁺_j
///        + Σ_j [y_j &lt; 0] (a_i⁺ (w_ij + γ w_ij⁻) + a_i⁻ (w_ij + γ w_ij⁺)) R_j / z⁻_j
/// </code>
/// With non-negative inputs and positive outputs this is the original rule (<see cref="OriginalGammaRule"/>).
/// </summary>
public sealed class GammaRule(double gamma) : ILrpRule
{
    public string Name => $"gamma({gamma})";

    public Tensor Forward(LrpCall call)
    {
        var layer = AffineLayer.Require(call, Name);
        var (w, b) = (layer.Weight, layer.Bias);
        var (favourPositive, favourNegative) = (w + gamma * w.clamp(min: 0), w + gamma * w.clamp(max: 0));
        var (ap, an) = (call.Input.clamp(min: 0), call.Input.clamp(max: 0));
        var zPositive = layer.Apply(ap, favourPositive, b is null ? null : b + gamma * b.clamp(min: 0));
        var zNegative = layer.Apply(ap, favourNegative, b is null ? null : b + gamma * b.clamp(max: 0));
        // After a ReLU the input has no negative part: its two convolutions would add exact zeros (half the rule's cost).
        if (call.Input.lt(0).any().item<bool>())
        {
            zPositive = zPositive + layer.Apply(an, favourNegative, null);
            zNegative = zNegative + layer.Apply(an, favourPositive, null);
        }
        var y = call.Output;
        var (isPositive, isNegative) = (y.gt(0).to_type(y.dtype).detach(), y.lt(0).to_type(y.dtype).detach());
        // value: y where y ≠ 0 (0 where y = 0); gradient: each output's relevance through its own z
        return isPositive * Stabiliser.Reroute(y, Stabiliser.Add(zPositive, 1e-9)) + isNegative * Stabiliser.Reroute(y, Stabiliser.Add(zNegative, 1e-9));
    }
}
