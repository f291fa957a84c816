using TorchSharp.Modules;
using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Rules;

/// <summary>
/// AttnLRP's identity rule on LayerNorm (Achtibat et al. 2024, "AttnLRP: Attention-Aware Layer-Wise Relevance Propagation for
/// Transformers", ICML, eq. 9 applied to the normalisation; LXT's <c>layer_norm_forward</c>): the standard deviation is held constant, so
/// y = (x − mean(x)) / std · w + b is linear in x and relevance follows it, R_x = x ⊙ ∂(Σ R_y/y · y)/∂x. The mean keeps its gradient; with
/// b = 0 this conserves, Σ R_x = Σ R_y (the centring takes Σ (x − mean) = 0 into account).
/// </summary>
public sealed class LayerNormIdentityRule : ILrpRule
{
    public string Name => "layernorm-identity";

    public Tensor Forward(LrpCall call)
    {
        if (call.Module is not LayerNorm norm)
            throw new XaiVisionException($"LRP rule '{Name}' needs a LayerNorm; '{call.LayerName}' is a {call.Module.GetType().Name}.");
        var x = call.Input;
        var centred = x - x.mean([-1], keepdim: true);
        var std = (centred.pow(2).mean([-1], keepdim: true) + norm.eps).sqrt().detach();
        var z = centred / std;
        if (norm.elementwise_affine) z = z * norm.weight;
        if (norm.bias is { } bias) z = z + bias;
        return z + (call.Output - z).detach(); // the layer's own value, the gradient through z
    }
}
