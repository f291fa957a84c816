using XaiVision.Engine.Explainers;
using XaiVision.Engine.Lrp.Canonizers;
using XaiVision.Engine.Lrp.Composites;
using XaiVision.Engine.Models;
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

    public Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        return Relevance(model, images, targets).sum(1).MoveToOuterDisposeScope();
    }

    /// <summary>Per-channel input relevance [N,C,H,W].</summary>
    public Tensor Relevance(ExplainableModel model, Tensor images, Tensor targets)
    {
        using var scope = NewDisposeScope();
        if (model.Architecture.LrpRefusal is { } refusal) throw new XaiVisionException(refusal);
        var layers = LayerInfo.Describe(model.Network, model.Architecture.Family);
        var p = model.Preprocessing;
        var bounds = new LrpInputBounds(
            Enumerable.Range(0, 3).Select(c => p.Normalise(c, 0f)).ToArray(),
            Enumerable.Range(0, 3).Select(c => p.Normalise(c, 1f)).ToArray());
        using var leaves = new LrpLeaves();
        using var canonized = BatchNormCanonizer.Apply(layers);
        using var attached = Composite.Attach(layers, leaves, bounds);
        using var grad = enable_grad();
        var x = images.detach().requires_grad_(true);
        var logits = model.Forward(x);
        var inputs = new List<Tensor> { x };
        inputs.AddRange(leaves.All);
        // x · 0 keeps the input in the graph when a first-layer rule (flat, w²) cuts it off: TorchSharp leaks
        // the handle of an undefined gradient, so every input must receive a real (here zero) one.
        var score = TargetScores.Sum(logits, targets) + (x * 0).sum();
        var gradients = autograd.grad([score], inputs, allow_unused: true);
        var relevance = zeros_like(images);
        for (int i = 0; i < inputs.Count; i++)
            if (gradients[i] is { IsInvalid: false } g) relevance += inputs[i].detach() * g;
        return relevance.MoveToOuterDisposeScope();
    }
}
