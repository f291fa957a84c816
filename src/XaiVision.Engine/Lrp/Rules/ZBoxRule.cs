using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Rules;

/// <summary>
/// LRP-z^B (Montavon et al. 2017, box-constrained input domain l ≤ x ≤ h, per channel in
/// normalised space): R_i = Σ_j (x_i w_ij − l_i w_ij⁺ − h_i w_ij⁻) / Σ_i (…) · R_j. First layer only;
/// l and h become leaves so their gradients supply the −l·c⁺ − h·c⁻ terms.
/// </summary>
public sealed class ZBoxRule : ILrpRule
{
    public string Name => "zbox";
    public bool ReplacesInput => true;

    public Tensor Forward(LrpCall call)
    {
        var layer = AffineLayer.Require(call, Name);
        var x = call.Input;
        var low = call.Leaves.Add(Bound(call.Bounds.Low, x));
        var high = call.Leaves.Add(Bound(call.Bounds.High, x));
        var z = layer.Apply(x, layer.Weight, layer.Bias)
              - layer.Apply(low, layer.Weight.clamp(min: 0), null)
              - layer.Apply(high, layer.Weight.clamp(max: 0), null);
        return Stabiliser.Reroute(call.Output, Stabiliser.Add(z, 1e-9));
    }

    static Tensor Bound(float[] perChannel, Tensor like) =>
        tensor(perChannel, dtype: like.dtype, device: like.device).view(1, -1, 1, 1).expand_as(like);
}
