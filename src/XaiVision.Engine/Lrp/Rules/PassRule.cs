using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Rules;

/// <summary>
/// Pass rule (Zennit's <c>Pass</c>): an elementwise layer hands its relevance on unchanged, R_in = R_out, whatever its slope:
/// y · (y/x)-rerouted so that x ⊙ ∂/∂x gives back y ⊙ ∂/∂y. Used for ReLU6 (MobileNet): below 6 it is ReLU's own behaviour,
/// above 6 the clipped activation would otherwise lose its relevance (its gradient is 0 while its value is 6).
/// </summary>
public sealed class PassRule : ILrpRule
{
    public string Name => "pass";

    public Tensor Forward(LrpCall call) => Stabiliser.Reroute(call.Output, call.Input);
}
