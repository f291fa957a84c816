using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Rules;

/// <summary>Pass rule: relevance goes through unchanged (activations, dropout, flatten: R_in = R_out).</summary>
public sealed class PassRule : ILrpRule
{
    public string Name => "pass";

    public Tensor Forward(LrpCall call) => call.Output;
}
