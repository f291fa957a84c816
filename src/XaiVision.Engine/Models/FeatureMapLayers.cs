using System.Collections.Concurrent;
using TorchSharp;
using TorchSharp.Modules;

namespace XaiVision.Engine.Models;

/// <summary>
/// The layers a CAM method can use: those whose output is a feature map [N, C, h, w]. In torchvision's layouts (and the demo
/// net) modules are registered in forward order, and the head begins at the first <c>Linear</c> or <c>Flatten</c> (or the
/// container holding it): <c>classifier</c> in VGG, <c>fc</c> in ResNet. Everything registered from there on produces flat
/// vectors, which have no spatial layout to weight.
/// </summary>
public static class FeatureMapLayers
{
    static readonly ConcurrentDictionary<string, IReadOnlyList<string>> ByArchitecture = new(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<string> Of(torch.nn.Module network, Architecture? architecture = null)
    {
        if (network is TorchScriptNetwork script) return script.ReturnsActivation ? [TorchScriptNetwork.ActivationLayer] : [];
        if (architecture?.FeatureMapFilter is { } filter)
        {
            var head = architecture.HeadLayer.Split('.')[0];
            return network.named_modules().Select(m => m.name).Where(n => n.Length > 0 && n != head && !n.StartsWith(head + ".") && filter(n)).ToList();
        }
        var result = new List<string>();
        Visit(network, "", result);
        // The conv form's classifier maps are class-score maps, not features: CAM layers stay what they are in the dense form.
        return network is ConvolutionalVgg ? result.Where(n => n == "features" || n.StartsWith("features.")).ToList() : result;
    }

    /// <summary>Depth first, in registration order (TorchSharp's <c>named_modules</c> is breadth first); false once the head is reached.</summary>
    static bool Visit(torch.nn.Module module, string prefix, List<string> result)
    {
        foreach (var (name, child) in module.named_children())
        {
            if (IsHead(child)) return false;
            var full = prefix.Length == 0 ? name : $"{prefix}.{name}";
            bool containsHead = child.modules().Any(IsHead);
            if (!containsHead) result.Add(full);
            if (!Visit(child, full, result) || containsHead) return false;
        }
        return true;
    }

    /// <summary>The feature-map layers of an architecture, from a network built once per process (no weights needed).</summary>
    public static IReadOnlyList<string> Of(Architecture architecture) => architecture == ArchitectureRegistry.TorchScript ? [TorchScriptNetwork.ActivationLayer]
        : ByArchitecture.GetOrAdd(architecture.Name, _ =>
    {
        using var network = architecture.Create(2);
        return Of(network, architecture);
    });

    /// <summary>Why <paramref name="layer"/> cannot be a CAM layer (null when it can), naming the ones that can.</summary>
    public static string? Problem(Architecture architecture, IReadOnlyList<string> featureMaps, IEnumerable<string> allLayers, string layer)
    {
        if (featureMaps.Contains(layer)) return null;
        var range = featureMaps.Count == 0 ? "none" : $"{featureMaps[0]} … {featureMaps[^1]}";
        var head = architecture.HeadLayer.Split('.')[0];
        if (!allLayers.Contains(layer))
            return $"'{architecture.Name}' has no layer '{layer}'; CAM layers are {range}: {string.Join(", ", featureMaps)}.";
        return head.Length > 0 && (layer == head || layer.StartsWith(head + ".")) || architecture.FeatureMapFilter is null
            ? $"layer '{layer}' of '{architecture.Name}' belongs to the classifier head, whose output is a flat vector with no spatial layout; a CAM needs a feature-map layer ({range})."
            : $"layer '{layer}' of '{architecture.Name}' is inside a block whose tensors are not feature maps [batch, channels, h, w]; a CAM needs a feature-map layer ({range}).";
    }

    static bool IsHead(torch.nn.Module module) => module is Linear or Flatten;
}
