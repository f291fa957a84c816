using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Rules;

/// <summary>
/// AttnLRP's uniform rule for products (Achtibat et al. 2024, eq. 7; LXT's <c>divide_gradient</c>): in a product of N factors that all
/// depend on the input, input ⊙ gradient hands each factor the whole relevance, so each factor's share is divided by N. On an
/// attention's operands: values ÷ 2 (softmax · v), queries and keys ÷ 4 (they also meet in q · kᵀ before the softmax).
/// </summary>
public sealed class UniformRule(int factors) : ILrpRule
{
    public string Name => $"uniform(1/{factors})";

    public Tensor Forward(LrpCall call)
    {
        var y = call.Output;
        var share = y / factors;
        return share + (y - share).detach();
    }
}
