using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Rules;

/// <summary>
/// LRP-αβ (Bach et al. 2015): R_i = Σ_j (α (a_i w_ij)⁺ / z_j⁺ − β (a_i w_ij)⁻ / z_j⁻) R_j with α − β = 1.
/// Positive parts: a⁺w⁺ + a⁻w⁻ (+ b⁺); negative parts: a⁺w⁻ + a⁻w⁺ (+ b⁻).
/// </summary>
public sealed class AlphaBetaRule : ILrpRule
{
    readonly double _alpha, _beta;

    public AlphaBetaRule(double alpha, double beta)
    {
        if (Math.Abs(alpha - beta - 1) > 1e-9)
            throw new XaiVisionException($"LRP-αβ needs α − β = 1 to conserve relevance; got α = {alpha}, β = {beta}.");
        if (beta < 0) throw new XaiVisionException($"LRP-αβ needs β ≥ 0; got {beta}.");
        _alpha = alpha;
        _beta = beta;
    }

    public string Name => $"alpha{_alpha}-beta{_beta}";

    public Tensor Forward(LrpCall call)
    {
        var layer = AffineLayer.Require(call, Name);
        var (wp, wn) = (layer.Weight.clamp(min: 0), layer.Weight.clamp(max: 0));
        var (ap, an) = (call.Input.clamp(min: 0), call.Input.clamp(max: 0));
        var positive = Stabiliser.Add(layer.Apply(ap, wp, layer.Bias?.clamp(min: 0)) + layer.Apply(an, wn, null), 1e-9);
        var y = call.Output;
        if (_beta == 0) return Stabiliser.Reroute(y, positive);
        var negative = Stabiliser.Add(layer.Apply(ap, wn, layer.Bias?.clamp(max: 0)) + layer.Apply(an, wp, null), 1e-9);
        // value: α·y − β·y = y; gradient: α J₊ᵀ(R/z⁺) − β J₋ᵀ(R/z⁻)
        return _alpha * Stabiliser.Reroute(y, positive) - _beta * Stabiliser.Reroute(y, negative);
    }
}
