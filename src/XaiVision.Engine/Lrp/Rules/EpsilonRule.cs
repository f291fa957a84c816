using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Rules;

/// <summary>
/// LRP-ε (Bach et al. 2015): R_i = Σ_j a_i w_ij / (z_j + ε·sign(z_j)) · R_j. Works on any layer
/// (z = the layer's own output, so pooling too). With <paramref name="relative"/>, ε is that factor
/// times the root-mean-square of z over each image's layer output (Montavon et al. 2019: ε = 0.25·std).
/// </summary>
public sealed class EpsilonRule(double epsilon, bool relative = false) : ILrpRule
{
    public string Name => relative ? $"epsilon({epsilon}·rms)" : $"epsilon({epsilon})";

    public Tensor Forward(LrpCall call)
    {
        var y = call.Output;
        if (epsilon == 0) return y; // LRP-0: the plain gradient already is the rule
        return Stabiliser.Reroute(y, relative ? Stabiliser.AddRelative(y, epsilon) : Stabiliser.Add(y, epsilon));
    }
}
