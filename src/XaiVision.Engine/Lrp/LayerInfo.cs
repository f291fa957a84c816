using TorchSharp.Modules;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp;

public enum LayerKind { Convolution, Linear, MaxPool, AveragePool, BatchNorm, Activation, Dropout, Reshape, Identity, ClassScore, LayerNorm, AttentionOperand }

/// <summary>
/// A leaf layer as composites see it: name, kind, order among the affine (conv/linear) layers, and
/// its depth block (VGG: the max-pool block inside <c>features</c>; ResNet: the stage, conv1 = 0, layerK = K).
/// </summary>
public sealed record LayerInfo(string Name, nn.Module Module, LayerKind Kind, int AffineIndex, int Block, int BlockCount)
{
    public bool IsFirstAffine => AffineIndex == 0;

    /// <summary>The kind of a leaf module, or null when LRP has no rule for it.</summary>
    public static LayerKind? KindOf(nn.Module module) => module switch
    {
        Conv2d => LayerKind.Convolution,
        Linear => LayerKind.Linear,
        MaxPool2d => LayerKind.MaxPool,
        AvgPool2d or AdaptiveAvgPool2d => LayerKind.AveragePool,
        BatchNorm2d or BatchNorm1d => LayerKind.BatchNorm,
        ReLU or LeakyReLU or ReLU6 or Tanh or Sigmoid or GELU or SiLU => LayerKind.Activation,
        Dropout or Dropout2d => LayerKind.Dropout,
        Flatten or Unflatten => LayerKind.Reshape,
        Identity => LayerKind.Identity,
        ClassScorePool => LayerKind.ClassScore,
        LayerNorm => LayerKind.LayerNorm,
        AttentionOperand => LayerKind.AttentionOperand,
        _ => null,
    };

    /// <summary>
    /// The leaf layers of a network in forward order (see <see cref="ModuleTree"/>). A fully convolutional VGG's former dense layers
    /// are <see cref="LayerKind.Linear"/>: the same rules hold for them in either form.
    /// </summary>
    public static IReadOnlyList<LayerInfo> Describe(nn.Module network, string family)
    {
        var dense = network is ConvolutionalVgg convolutional ? convolutional.DenseLayers : new HashSet<string>();
        var leaves = ModuleTree.Leaves(network);
        var blocks = family switch { "vgg" => VggBlocks(leaves), "mobilenet" => FeatureBlocks(leaves), _ => ResNetStages(leaves) };
        int blockCount = blocks.Values.DefaultIfEmpty(0).Max() + 1;
        var result = new List<LayerInfo>();
        int affine = 0;
        foreach (var (name, module) in leaves)
        {
            var kind = dense.Contains(name) ? LayerKind.Linear : KindOf(module) ?? throw new XaiVisionException(
                $"LRP has no rule for layer '{name}' ({module.GetType().Name}). " +
                    $"Supported: Conv2d, Linear, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, BatchNorm (canonized), activations, Dropout, Flatten, Identity, " +
                    "a class-score pool; LayerNorm and attention with lrp:attnlrp.");
            result.Add(new LayerInfo(name, module, kind, kind is LayerKind.Convolution or LayerKind.Linear ? affine++ : -1, blocks.GetValueOrDefault(name), blockCount));
        }
        return result;
    }

    static Dictionary<string, int> VggBlocks(List<(string Name, nn.Module Module)> leaves)
    {
        var blocks = new Dictionary<string, int>();
        int block = 0;
        foreach (var (name, module) in leaves.Where(l => l.Name.StartsWith("features.")))
        {
            blocks[name] = block;
            if (module is MaxPool2d) block++;
        }
        foreach (var (name, _) in leaves.Where(l => !l.Name.StartsWith("features."))) blocks[name] = block;
        return blocks;
    }

    /// <summary>MobileNet: each entry of <c>features</c> (a stem or an inverted-residual block) is a block; the classifier the last.</summary>
    static Dictionary<string, int> FeatureBlocks(List<(string Name, nn.Module Module)> leaves)
    {
        int Block(string name) => name.StartsWith("features.") && int.TryParse(name.Split('.')[1], out var i) ? i : -1;
        int last = leaves.Select(l => Block(l.Name)).Max() + 1;
        return leaves.ToDictionary(l => l.Name, l => Block(l.Name) is >= 0 and var b ? b : last);
    }

    static Dictionary<string, int> ResNetStages(List<(string Name, nn.Module Module)> leaves) =>
        leaves.ToDictionary(l => l.Name, l =>
            l.Name.StartsWith("layer") && int.TryParse(l.Name.AsSpan(5, 1), out var stage) ? stage : l.Name == "fc" ? 5 : 0);
}
