using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Rules;

/// <summary>
/// Norm rule for sum and average pooling (Zennit's Norm): R_i = a_i / Σ_i a_i · R_j over each
/// window — relevance proportional to the inputs, normalised by the output (tiny stabiliser).
/// </summary>
public sealed class NormRule : ILrpRule
{
    public string Name => "norm";

    public Tensor Forward(LrpCall call) => Stabiliser.Reroute(call.Output, Stabiliser.Add(call.Output, 1e-9));
}
