using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Rules;

/// <summary>
/// LRP-z⁺ (Montavon et al. 2017, deep Taylor): only positive contributions,
/// R_i = Σ_j (a_i⁺ w_ij⁺ + a_i⁻ w_ij⁻) / (Σ_i (a_i⁺ w_ij⁺ + a_i⁻ w_ij⁻) + b_j⁺) · R_j — Zennit's ZPlus (= αβ with α = 1, β = 0), whose
/// denominator keeps the positive bias, which absorbs its share of the relevance (checked against Zennit 0.4.6: CrpReferenceTests).
/// </summary>
public sealed class ZPlusRule : ILrpRule
{
    public string Name => "zplus";

    public Tensor Forward(LrpCall call)
    {
        var layer = AffineLayer.Require(call, Name);
        var z = layer.Apply(call.Input.clamp(min: 0), layer.Weight.clamp(min: 0), layer.Bias?.clamp(min: 0))
              + layer.Apply(call.Input.clamp(max: 0), layer.Weight.clamp(max: 0), null);
        return Stabiliser.Reroute(call.Output, Stabiliser.Add(z, 1e-9));
    }
}
