using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Rules;

/// <summary>
/// No relevance through this tensor: its value stays, its gradient is cut. CP-LRP (Ali et al. 2022, "XAI for Transformers: Better
/// Explanations through Conservative Propagation", ICML) puts it on an attention's queries and keys, so the softmax weights act as
/// constants and all relevance flows through the values (LXT's <c>cp_multi_head_attention_forward</c>).
/// </summary>
public sealed class CutRule : ILrpRule
{
    public string Name => "cut";

    public Tensor Forward(LrpCall call) => call.Output.detach();
}
