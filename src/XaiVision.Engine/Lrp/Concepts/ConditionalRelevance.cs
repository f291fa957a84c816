using XaiVision.Engine.Explainers;
using XaiVision.Engine.Models;
using XaiVision.Engine.Native;
using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Concepts;

/// <summary>
/// Concept Relevance Propagation (Achtibat et al., "From attribution maps to human-understandable explanations through Concept
/// Relevance Propagation", Nature Machine Intelligence 5, 2023): the LRP relevance that flows through a set θ of channels of one
/// layer, R(x | θ) = the input relevance of the backward pass in which the relevance at the layer's output is kept on θ only. zennit-crp
/// masks the gradient there; with our modified-forward rules relevance at the layer is a ⊙ ∂score/∂a, so masking ∂ masks R the same.
/// One forward; one backward to the layer for the channel relevances R_c = Σ_positions R at the layer; one backward per condition on the
/// kept graph. Only relevance through the layer reaches the input (zennit-crp's <c>exclude_parallel</c>). Linear in the mask: the
/// conditional maps of all channels one by one sum to the plain LRP map.
/// </summary>
public static class ConditionalRelevance
{
    /// <summary>The channel relevances at the layer [N,C] and one input relevance [N,3,H,W] per condition.</summary>
    public sealed record Result(Tensor ChannelRelevance, IReadOnlyList<Tensor> Maps);

    /// <param name="conditions">from the channel relevances [N,C], the conditions: each a 0/1 mask [N,C] (per image its channels).</param>
    public static Result Compute(LrpExplainer lrp, ExplainableModel model, Tensor images, Tensor targets, string layer,
        Func<Tensor, IReadOnlyList<Tensor>> conditions)
    {
        using var scope = NewDisposeScope();
        using var rules = lrp.AttachRules(model);
        Tensor? output = null;
        int calls = 0;
        var hook = model.Layer(layer).register_forward_hook((_, _, o) =>
        {
            if (++calls > 1) return o; // reported below: a module called twice has no single output to condition
            var kept = o.alias();
            output = kept.DetachFromDisposeScope();
            return kept.alias();
        });
        try
        {
            using var grad = enable_grad();
            var x = images.detach().requires_grad_(true);
            var logits = model.Forward(x);
            if (output is null || calls > 1)
                throw new XaiVisionException($"Layer '{layer}' cannot condition relevance: the forward pass calls it {(calls == 0 ? "never" : $"{calls} times")}, not once.");
            var atLayer = Backward.Grad([TargetScores.Sum(logits, targets)], [output], retainGraph: true)[0];
            var relevanceAtLayer = output.detach() * atLayer;
            var channelRelevance = relevanceAtLayer.dim() > 2 ? relevanceAtLayer.flatten(2).sum(2) : relevanceAtLayer;
            var masks = conditions(channelRelevance);
            var inputs = new List<Tensor> { x };
            inputs.AddRange(rules.Leaves.All);
            var maps = new List<Tensor>();
            for (int i = 0; i < masks.Count; i++)
            {
                var mask = masks[i].to(atLayer.dtype).view([.. masks[i].shape, .. Enumerable.Repeat(1L, (int)atLayer.dim() - 2)]);
                var kept = (atLayer * mask).detach();
                var score = LrpExplainer.Kept(x, (output * kept).sum());
                var gradients = Backward.Grad([score], inputs, retainGraph: i < masks.Count - 1, allowUnused: true);
                maps.Add(LrpExplainer.InputRelevance(inputs, gradients, inputs.Count).MoveToOuterDisposeScope());
            }
            return new Result(channelRelevance.MoveToOuterDisposeScope(), maps);
        }
        finally
        {
            hook.remove();
            output?.Dispose();
        }
    }

    /// <summary>The shares of the channel relevances [N,C] (zennit-crp's <c>ChannelConcept.attribute</c>, <c>abs_norm</c>): R_c / (Σ|R_c| + 1e-10).</summary>
    public static Tensor Shares(Tensor channelRelevance) => channelRelevance / (channelRelevance.abs().sum(1, keepdim: true) + 1e-10);

    /// <summary>Per row, the <paramref name="count"/> channels of largest share, largest first.</summary>
    public static IReadOnlyList<ConceptShares> Top(Tensor channelRelevance, string layer, int count)
    {
        using var scope = NewDisposeScope();
        var shares = Shares(channelRelevance).to(ScalarType.Float32).cpu();
        var (values, indexes) = shares.topk((int)Math.Min(count, shares.shape[1]), dim: 1);
        var v = values.data<float>().ToArray();
        var c = indexes.data<long>().ToArray();
        int k = (int)values.shape[1];
        return Enumerable.Range(0, (int)shares.shape[0])
            .Select(r => new ConceptShares(layer, Enumerable.Range(0, k).Select(j => new ChannelShare((int)c[r * k + j], v[r * k + j])).ToList()))
            .ToList();
    }
}
