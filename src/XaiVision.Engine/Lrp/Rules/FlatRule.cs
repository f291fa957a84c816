using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Rules;

/// <summary>
/// Flat rule (Lapuschkin et al. 2019): relevance spread uniformly over each output's receptive
/// field, R_i = Σ_j 1 / Σ_i 1 · R_j — independent of input values and weights. First layer only.
/// </summary>
public sealed class FlatRule : ILrpRule
{
    public string Name => "flat";
    public bool ReplacesInput => true;

    public Tensor Forward(LrpCall call) => WeightedSpread(call, w => ones_like(w));

    /// <summary>z = f(1; ρ(W), 0) with a ones leaf in place of the input, so 1 ⊙ gradient is the relevance.</summary>
    internal static Tensor WeightedSpread(LrpCall call, Func<Tensor, Tensor> rho)
    {
        var layer = AffineLayer.Require(call, "flat/w²");
        var ones = call.Leaves.Add(ones_like(call.Input));
        var z = layer.Apply(ones, rho(layer.Weight), null);
        return Stabiliser.Reroute(call.Output, Stabiliser.Add(z, 1e-9));
    }
}
