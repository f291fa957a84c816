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

    public static IReadOnlyList<string> Of(torch.nn.Module network)
    {
        if (network is TorchScriptNetwork script) return script.ReturnsActivation ? [TorchScriptNetwork.ActivationLayer] : [];
        var result = new List<string>();
        Visit(network, "", result);
        return result;
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
    public static IReadOnlyList<string> Of(Architecture architecture) => architecture == ArchitectureRegistry.TorchScript ? [TorchScriptNetwork.ActivationLayer] : ByArchitecture.GetOrAdd(architecture.Name, _ =>
    {
        using var network = architecture.Create(2);
        return Of(network);
    });

    /// <summary>Why <paramref name="layer"/> cannot be a CAM layer (null when it can), naming the ones that can.</summary>
    public static string? Problem(string architectureName, IReadOnlyList<string> featureMaps, IEnumerable<string> allLayers, string layer)
    {
        if (featureMaps.Contains(layer)) return null;
        var range = featureMaps.Count == 0 ? "none" : $"{featureMaps[0]} … {featureMaps[^1]}";
        return allLayers.Contains(layer)
            ? $"layer '{layer}' of '{architectureName}' belongs to the classifier head, whose output is a flat vector with no spatial layout; a CAM needs a feature-map layer ({range})."
            : $"'{architectureName}' has no layer '{layer}'; CAM layers are {range}: {string.Join(", ", featureMaps)}.";
    }

    static bool IsHead(torch.nn.Module module) => module is Linear or Flatten;
}
