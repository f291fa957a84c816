using XaiVision.Engine.Lrp.Rules;
using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Composites;

/// <summary>
/// An ordered, first-match table layer → rule (Zennit's composites). Every leaf layer must match
/// a row; a layer no row matches is an error naming it. Attaching installs forward hooks that the
/// returned handle removes — also when the forward or backward pass throws.
/// </summary>
public sealed class Composite(string name, IReadOnlyList<CompositeEntry> entries)
{
    public string Name { get; } = name;
    public IReadOnlyList<CompositeEntry> Entries { get; } = entries;

    /// <summary>Rules for vision transformers (attention, LayerNorm, GELU): offered on ViT, and only these there.</summary>
    public bool ForTransformers { get; init; }

    /// <summary>The rule for each layer (null = LRP-0 / plain gradient).</summary>
    public IReadOnlyList<(LayerInfo Layer, ILrpRule? Rule)> Assign(IReadOnlyList<LayerInfo> layers)
    {
        var result = new List<(LayerInfo, ILrpRule?)>();
        foreach (var layer in layers)
        {
            var entry = Entries.FirstOrDefault(e => e.Predicate(layer))
                ?? throw new XaiVisionException($"Composite '{Name}' has no rule for layer '{layer.Name}' ({layer.Module.GetType().Name}).");
            var rule = entry.Rule(layer);
            if (rule is { ReplacesInput: true } && !layer.IsFirstAffine)
                throw new XaiVisionException($"Composite '{Name}': rule '{rule.Name}' replaces the input and may only sit on the first layer, not '{layer.Name}'.");
            result.Add((layer, rule));
        }
        return result;
    }

    public IDisposable Attach(IReadOnlyList<LayerInfo> layers, LrpLeaves leaves, LrpInputBounds bounds)
    {
        var handles = new Hooks();
        try
        {
            foreach (var (layer, rule) in Assign(layers))
            {
                if (rule is null) continue;
                if (layer.Module is not nn.Module<Tensor, Tensor> module)
                    throw new XaiVisionException($"Layer '{layer.Name}' does not map one tensor to one tensor.");
                var hook = module.register_forward_hook((m, input, output) => rule.Forward(new LrpCall(layer.Name, m, input, output, leaves, bounds)));
                handles.Add(hook.remove);
            }
        }
        catch
        {
            handles.Dispose();
            throw;
        }
        return handles;
    }

    sealed class Hooks : IDisposable
    {
        readonly List<Action> _removers = new();

        public void Add(Action remove) => _removers.Add(remove);

        public void Dispose()
        {
            foreach (var remove in _removers) remove();
            _removers.Clear();
        }
    }
}
