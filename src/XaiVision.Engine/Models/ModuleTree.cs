using TorchSharp;

namespace XaiVision.Engine.Models;

/// <summary>
/// Leaf layers in registration order, depth first — the forward order of VGG, ResNet and the demo
/// net (TorchSharp's <c>named_modules</c> lists each level's children before their descendants).
/// </summary>
public static class ModuleTree
{
    public static List<(string Name, torch.nn.Module Module)> Leaves(torch.nn.Module root)
    {
        var result = new List<(string, torch.nn.Module)>();
        Visit(root, "", result);
        return result;
    }

    static void Visit(torch.nn.Module module, string prefix, List<(string, torch.nn.Module)> result)
    {
        foreach (var (name, child) in module.named_children())
        {
            var full = prefix.Length == 0 ? name : $"{prefix}.{name}";
            if (child.children().Any()) Visit(child, full, result);
            else result.Add((full, child));
        }
    }
}
