using XaiVision.Engine.Explainers;
using XaiVision.Engine.Lrp.Canonizers;
using XaiVision.Engine.Lrp.Composites;
using XaiVision.Engine.Models;
using XaiVision.Engine.Native;
using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp;

/// <summary>
/// Layer-wise Relevance Propagation with a composite, one batched forward/backward pass:
/// canonize (merge BatchNorm), attach the composite's rule hooks, start from
/// one-hot(target) × logit, and read the relevance off as input ⊙ gradient (+ Σ leaf ⊙ gradient
/// for first-layer rules that replace the input), summed over colour channels.
/// Hooks and canonizers are removed afterwards, also when something throws.
/// </summary>
public sealed class LrpExplainer(string name, Composite composite, IReadOnlyDictionary<string, string> parameters) : IExplainer
{
    public string Name { get; } = name;

    public Composite Composite { get; } = composite;

    public IReadOnlyDictionary<string, string> Describe(ExplainableModel model) => parameters;

    /// <summary>Why these rules cannot explain <paramref name="architecture"/> (null: they can).</summary>
    public string? Refusal(Architecture architecture) => LrpSupport.Refusal(architecture, Composite);

    public Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        return Relevance(model, images, targets).sum(1).MoveToOuterDisposeScope();
    }

    /// <summary>Per-channel input relevance [N,C,H,W].</summary>
    public Tensor Relevance(ExplainableModel model, Tensor images, Tensor targets) => Propagate(model, images, targets, false).Input;

    /// <summary>One layer's input relevance: [N,C,h,w] before a convolution, [N,F] before a dense layer.</summary>
    public sealed record LayerRelevance(string Layer, Tensor Relevance);

    /// <summary>
    /// The input relevance [N,C,H,W] and the relevance at the input of every other convolution and dense layer, in forward order
    /// (the layer sweep and the conservation curve ΣR per layer): a ⊙ ∂/∂a of the rule-modified graph, a the layer's input.
    /// </summary>
    public (Tensor Input, IReadOnlyList<LayerRelevance> Layers) RelevancePerLayer(ExplainableModel model, Tensor images, Tensor targets) =>
        Propagate(model, images, targets, true);

    (Tensor Input, IReadOnlyList<LayerRelevance> Layers) Propagate(ExplainableModel model, Tensor images, Tensor targets, bool perLayer)
    {
        using var scope = NewDisposeScope();
        using var rules = AttachRules(model);
        var captured = new List<(string Layer, Tensor Input)>();
        var hooks = perLayer ? CaptureInputs(rules.Layers.Where(l => l.AffineIndex > 0), captured) : [];
        try
        {
            using var grad = enable_grad();
            var x = images.detach().requires_grad_(true);
            var logits = model.Forward(x);
            var inputs = new List<Tensor> { x };
            inputs.AddRange(rules.Leaves.All);
            inputs.AddRange(captured.Select(c => c.Input));
            var gradients = Backward.Grad([Kept(x, TargetScores.Sum(logits, targets))], inputs, allowUnused: true);
            int first = 1 + rules.Leaves.All.Count;
            var relevance = InputRelevance(inputs, gradients, first);
            var perLayerRelevance = captured.Select((c, k) => new LayerRelevance(c.Layer,
                gradients[first + k] is { IsInvalid: false } g ? (c.Input.detach() * g).MoveToOuterDisposeScope() : zeros_like(c.Input).MoveToOuterDisposeScope())).ToList();
            return (relevance.MoveToOuterDisposeScope(), perLayerRelevance);
        }
        finally
        {
            foreach (var remove in hooks) remove();
            foreach (var (_, input) in captured) input.Dispose();
        }
    }

    /// <summary>The composite's rules on <paramref name="model"/> for one pass (BatchNorm merged, rule hooks, first-layer leaves); disposing removes them.</summary>
    internal AttachedRules AttachRules(ExplainableModel model)
    {
        if (Refusal(model.Architecture) is { } refusal) throw new XaiVisionException(refusal);
        var layers = LayerInfo.Describe(model.Network, model.Architecture.Family);
        var p = model.Preprocessing;
        var bounds = new LrpInputBounds(
            Enumerable.Range(0, 3).Select(c => p.Normalise(c, 0f)).ToArray(),
            Enumerable.Range(0, 3).Select(c => p.Normalise(c, 1f)).ToArray());
        var leaves = new LrpLeaves();
        IDisposable? canonized = null;
        try
        {
            canonized = BatchNormCanonizer.Apply(layers);
            return new AttachedRules(layers, leaves, canonized, Composite.Attach(layers, leaves, bounds));
        }
        catch
        {
            canonized?.Dispose();
            leaves.Dispose();
            throw;
        }
    }

    internal sealed class AttachedRules(IReadOnlyList<LayerInfo> layers, LrpLeaves leaves, IDisposable canonized, IDisposable attached) : IDisposable
    {
        public IReadOnlyList<LayerInfo> Layers => layers;
        public LrpLeaves Leaves => leaves;

        public void Dispose()
        {
            attached.Dispose();
            canonized.Dispose();
            leaves.Dispose();
        }
    }

    /// <summary>
    /// The score with the input kept in the graph: x · 0 keeps it there when a first-layer rule (flat, w²) cuts it off, since
    /// TorchSharp leaks the handle of an undefined gradient, so every input must receive a real (here zero) one.
    /// </summary>
    internal static Tensor Kept(Tensor x, Tensor score) => score + (x * 0).sum();

    /// <summary>Input relevance [N,C,H,W]: Σ over the input and the first-layer rule's leaves of value ⊙ gradient (the first <paramref name="count"/>).</summary>
    internal static Tensor InputRelevance(IList<Tensor> inputs, IList<Tensor> gradients, int count)
    {
        var relevance = zeros_like(inputs[0]);
        for (int i = 0; i < count; i++)
            if (gradients[i] is { IsInvalid: false } g) relevance += inputs[i].detach() * g;
        return relevance;
    }

    /// <summary>
    /// Pre-hooks that give each layer an alias of its input and keep our own handle on it (Sequential disposes what flows through
    /// it), so the gradient at the layer's input can be asked for after the forward pass.
    /// </summary>
    static List<Action> CaptureInputs(IEnumerable<LayerInfo> layers, List<(string, Tensor)> captured)
    {
        var removers = new List<Action>();
        foreach (var layer in layers)
        {
            if (layer.Module is not nn.Module<Tensor, Tensor> module) continue;
            var hook = module.register_forward_pre_hook((_, input) =>
            {
                var kept = input.alias();
                captured.Add((layer.Name, kept.DetachFromDisposeScope()));
                return kept.alias();
            });
            removers.Add(hook.remove);
        }
        return removers;
    }
}
