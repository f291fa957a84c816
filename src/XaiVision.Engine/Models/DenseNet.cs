using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace XaiVision.Engine.Models;

/// <summary>
/// torchvision's DenseNet (Huang et al. 2017, "Densely Connected Convolutional Networks") with its exact module names, so
/// torchvision weights load: <c>features.conv0/norm0/relu0/pool0</c>, <c>features.denseblockK.denselayerL.{norm1,relu1,conv1,norm2,relu2,conv2}</c>,
/// <c>features.transitionK.{norm,relu,conv,pool}</c>, <c>features.norm5</c>, <c>classifier</c>; forward ends with ReLU, global
/// average pooling and the classifier, as torchvision's (no dropout: drop_rate 0).
/// </summary>
public sealed class DenseNet : Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly Linear classifier;

    public DenseNet(int growthRate, int[] blockConfig, int initialFeatures, int numClasses, int bottleneckSize = 4) : base(nameof(DenseNet))
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>
        {
            ("conv0", Conv2d(3, initialFeatures, 7, stride: 2, padding: 3, bias: false)),
            ("norm0", BatchNorm2d(initialFeatures)), ("relu0", ReLU()), ("pool0", MaxPool2d(3, stride: 2, padding: 1)),
        };
        int channels = initialFeatures;
        for (int b = 0; b < blockConfig.Length; b++)
        {
            layers.Add(($"denseblock{b + 1}", new DenseBlock(blockConfig[b], channels, bottleneckSize, growthRate)));
            channels += blockConfig[b] * growthRate;
            if (b == blockConfig.Length - 1) continue;
            layers.Add(($"transition{b + 1}", Sequential(("norm", BatchNorm2d(channels)), ("relu", ReLU()),
                ("conv", Conv2d(channels, channels / 2, 1, bias: false)), ("pool", AvgPool2d(2, stride: 2)))));
            channels /= 2;
        }
        layers.Add(("norm5", BatchNorm2d(channels)));
        features = Sequential(layers);
        classifier = Linear(channels, numClasses);
        RegisterComponents();
        using var _ = no_grad();
        foreach (var module in modules())
        {
            if (module is Conv2d conv) init.kaiming_normal_(conv.weight!);
            if (module is Linear linear) linear.bias!.zero_();
        }
    }

    public override Tensor forward(Tensor x)
    {
        using var f = features.call(x);
        using var a = nn.functional.relu(f);
        using var pooled = nn.functional.adaptive_avg_pool2d(a, [1, 1]);
        using var flat = pooled.flatten(1);
        return classifier.call(flat);
    }

    /// <summary>One block: each layer sees the concatenation of every earlier output and adds <c>growth</c> channels.</summary>
    sealed class DenseBlock : Module<Tensor, Tensor>
    {
        readonly List<Module<Tensor, Tensor>> _layers = [];

        public DenseBlock(int count, int channels, int bottleneckSize, int growth) : base(nameof(DenseBlock))
        {
            for (int i = 0; i < count; i++)
            {
                var layer = Sequential(("norm1", BatchNorm2d(channels + i * growth)), ("relu1", ReLU()),
                    ("conv1", Conv2d(channels + i * growth, bottleneckSize * growth, 1, bias: false)),
                    ("norm2", BatchNorm2d(bottleneckSize * growth)), ("relu2", ReLU()),
                    ("conv2", Conv2d(bottleneckSize * growth, growth, 3, padding: 1, bias: false)));
                _layers.Add(layer);
                register_module($"denselayer{i + 1}", layer);
            }
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var outputs = new List<Tensor> { x.alias() };
            foreach (var layer in _layers) outputs.Add(layer.call(cat(outputs, 1)));
            return cat(outputs, 1).MoveToOuterDisposeScope();
        }
    }

    public static DenseNet Create(string name, int numClasses) => name switch
    {
        "densenet121" => new DenseNet(32, [6, 12, 24, 16], 64, numClasses),
        "densenet161" => new DenseNet(48, [6, 12, 36, 24], 96, numClasses),
        "densenet169" => new DenseNet(32, [6, 12, 32, 32], 64, numClasses),
        "densenet201" => new DenseNet(32, [6, 12, 48, 32], 64, numClasses),
        _ => throw new XaiVisionException($"Unknown DenseNet '{name}'."),
    };
}
