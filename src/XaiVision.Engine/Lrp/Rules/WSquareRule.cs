using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Rules;

/// <summary>LRP-w² (Montavon et al. 2017): R_i = Σ_j w_ij² / Σ_i w_ij² · R_j, independent of the input. First layer only.</summary>
public sealed class WSquareRule : ILrpRule
{
    public string Name => "wsquare";
    public bool ReplacesInput => true;

    public Tensor Forward(LrpCall call) => FlatRule.WeightedSpread(call, w => w.pow(2));
}
