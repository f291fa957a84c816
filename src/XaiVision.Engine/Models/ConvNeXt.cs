using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace XaiVision.Engine.Models;

/// <summary>
/// torchvision's ConvNeXt tiny/small/base/large (Liu et al. 2022) with its exact names: <c>features.0</c> stem (4×4 conv,
/// channels-first LayerNorm), stages <c>features.1,3,5,7</c> of CNBlocks (<c>block.{0 depthwise 7×7, 2 LayerNorm, 3/5 Linear}</c>
/// on channels-last tensors, <c>layer_scale</c>; residual sum; stochastic depth is identity at inference), downsampling
/// <c>features.2,4,6</c>, <c>classifier.{0 LayerNorm, 2 Linear}</c>. CAM layers are the stem, stages, blocks and downsampling
/// layers — not the insides of a block, whose tensors are channels-last.
/// </summary>
public sealed class ConvNeXt : Module<Tensor, Tensor>
{
    static readonly Dictionary<string, (int Width, int Blocks)[]> Settings = new()
    {
        ["convnext_tiny"] = [(96, 3), (192, 3), (384, 9), (768, 3)],
        ["convnext_small"] = [(96, 3), (192, 3), (384, 27), (768, 3)],
        ["convnext_base"] = [(128, 3), (256, 3), (512, 27), (1024, 3)],
        ["convnext_large"] = [(192, 3), (384, 3), (768, 27), (1536, 3)],
    };

    public static IEnumerable<string> Names => Settings.Keys;

    /// <summary>Feature maps: features, its children and their children (blocks), never inside a block.</summary>
    public static bool IsFeatureMap(string name) => !name.Contains(".block") && name.Split('.').Length <= 3;

    private readonly Sequential features;
    private readonly Sequential classifier;

    ConvNeXt((int Width, int Blocks)[] stages, int numClasses) : base(nameof(ConvNeXt))
    {
        var layers = new List<Module<Tensor, Tensor>> { Sequential(Conv2d(3, stages[0].Width, 4, stride: 4), new LayerNorm2d(stages[0].Width)) };
        for (int s = 0; s < stages.Length; s++)
        {
            layers.Add(Sequential(Enumerable.Range(0, stages[s].Blocks).Select(_ => (Module<Tensor, Tensor>)new CNBlock(stages[s].Width)).ToArray()));
            if (s + 1 < stages.Length) layers.Add(Sequential(new LayerNorm2d(stages[s].Width), Conv2d(stages[s].Width, stages[s + 1].Width, 2, stride: 2)));
        }
        features = Sequential(layers);
        classifier = Sequential(new LayerNorm2d(stages[^1].Width), Flatten(1), Linear(stages[^1].Width, numClasses));
        RegisterComponents();
    }

    public static ConvNeXt Create(string name, int numClasses) =>
        Settings.TryGetValue(name, out var s) ? new ConvNeXt(s, numClasses) : throw new XaiVisionException($"Unknown ConvNeXt '{name}'.");

    public override Tensor forward(Tensor x)
    {
        using var f = features.call(x);
        using var pooled = nn.functional.adaptive_avg_pool2d(f, [1, 1]);
        return classifier.call(pooled);
    }

    /// <summary>LayerNorm over the channels of a channels-first map (torchvision's LayerNorm2d, ε = 1e-6).</summary>
    sealed class LayerNorm2d : Module<Tensor, Tensor>
    {
        private readonly Parameter weight;
        private readonly Parameter bias;
        readonly long _channels;

        public LayerNorm2d(long channels) : base(nameof(LayerNorm2d))
        {
            _channels = channels;
            weight = Parameter(ones(channels));
            bias = Parameter(zeros(channels));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var normalised = nn.functional.layer_norm(x.permute(0, 2, 3, 1), [_channels], weight, bias, 1e-6);
            return normalised.permute(0, 3, 1, 2).MoveToOuterDisposeScope();
        }
    }

    sealed class Permute(params long[] dims) : Module<Tensor, Tensor>(nameof(Permute))
    {
        public override Tensor forward(Tensor x) => x.permute(dims);
    }

    sealed class CNBlock : Module<Tensor, Tensor>
    {
        private readonly Sequential block;
        private readonly Parameter layer_scale;

        public CNBlock(int dim) : base(nameof(CNBlock))
        {
            block = Sequential(Conv2d(dim, dim, 7, padding: 3, groups: dim), new Permute(0, 2, 3, 1), LayerNorm(dim, eps: 1e-6),
                Linear(dim, 4 * dim), GELU(), Linear(4 * dim, dim), new Permute(0, 3, 1, 2));
            layer_scale = Parameter(ones(dim, 1, 1) * 1e-6);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            return (layer_scale * block.call(x) + x).MoveToOuterDisposeScope();
        }
    }
}
