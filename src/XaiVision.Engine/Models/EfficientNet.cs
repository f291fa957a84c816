using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace XaiVision.Engine.Models;

/// <summary>
/// torchvision's EfficientNet-B0…B7 (Tan &amp; Le 2019) with its exact module names: <c>features.0</c> stem,
/// <c>features.1–7</c> stages of MBConv blocks (<c>features.S.B.block.{expand, depthwise, squeeze-excitation (avgpool, fc1,
/// fc2), project}</c>; residual sum where stride is 1 and widths agree; stochastic depth is identity at inference),
/// <c>features.8</c> the 1×1 expansion, <c>classifier.1</c> the head. Widths and depths scale as torchvision's
/// <c>_efficientnet_conf</c>; B5–B7 use BatchNorm ε = 0.001, as torchvision does.
/// </summary>
public sealed class EfficientNet : Module<Tensor, Tensor>
{
    static readonly (int Expand, int Kernel, int Stride, int Input, int Output, int Layers)[] Base =
        [(1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3), (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1)];

    static readonly Dictionary<string, (double Width, double Depth, double Dropout, double Eps)> Variants = new()
    {
        ["efficientnet_b0"] = (1.0, 1.0, 0.2, 1e-5),
        ["efficientnet_b1"] = (1.0, 1.1, 0.2, 1e-5),
        ["efficientnet_b2"] = (1.1, 1.2, 0.3, 1e-5),
        ["efficientnet_b3"] = (1.2, 1.4, 0.3, 1e-5),
        ["efficientnet_b4"] = (1.4, 1.8, 0.4, 1e-5),
        ["efficientnet_b5"] = (1.6, 2.2, 0.4, 1e-3),
        ["efficientnet_b6"] = (1.8, 2.6, 0.5, 1e-3),
        ["efficientnet_b7"] = (2.0, 3.1, 0.5, 1e-3),
    };

    public static IEnumerable<string> Names => Variants.Keys;

    private readonly Sequential features;
    private readonly Sequential classifier;

    EfficientNet(double width, double depth, double dropout, double eps, int numClasses) : base(nameof(EfficientNet))
    {
        int Channels(double c) => SqueezeExcitation.MakeDivisible(c * width);
        var stages = new List<Module<Tensor, Tensor>> { ConvNormSiLU(3, Channels(Base[0].Input), 3, 2, 1, eps) };
        foreach (var (expand, kernel, stride, input, output, layers) in Base)
        {
            var blocks = new List<Module<Tensor, Tensor>>();
            for (int i = 0, count = (int)Math.Ceiling(layers * depth); i < count; i++)
                blocks.Add(new MBConv(i == 0 ? Channels(input) : Channels(output), Channels(output), expand, kernel, i == 0 ? stride : 1, eps));
            stages.Add(Sequential(blocks));
        }
        int last = Channels(Base[^1].Output);
        stages.Add(ConvNormSiLU(last, 4 * last, 1, 1, 1, eps));
        features = Sequential(stages);
        classifier = Sequential(Dropout(dropout), Linear(4 * last, numClasses));
        RegisterComponents();
    }

    public static EfficientNet Create(string name, int numClasses) =>
        Variants.TryGetValue(name, out var v) ? new EfficientNet(v.Width, v.Depth, v.Dropout, v.Eps, numClasses) : throw new XaiVisionException($"Unknown EfficientNet '{name}'.");

    static Sequential ConvNormSiLU(int input, int output, int kernel, int stride, int groups, double eps, bool activation = true) =>
        TorchvisionBlocks.ConvNormActivation(input, output, kernel, stride, groups, activation ? SiLU() : null, eps);

    public override Tensor forward(Tensor x) => TorchvisionBlocks.PoolAndClassify(features, classifier, x);

    sealed class MBConv : Module<Tensor, Tensor>
    {
        private readonly Sequential block;
        readonly bool _residual;

        public MBConv(int input, int output, int expand, int kernel, int stride, double eps) : base(nameof(MBConv))
        {
            int expanded = SqueezeExcitation.MakeDivisible(input * (double)expand);
            var layers = new List<Module<Tensor, Tensor>>();
            if (expanded != input) layers.Add(ConvNormSiLU(input, expanded, 1, 1, 1, eps));
            layers.Add(ConvNormSiLU(expanded, expanded, kernel, stride, expanded, eps));
            layers.Add(new SqueezeExcitation(expanded, Math.Max(1, input / 4), SiLU(), Sigmoid()));
            layers.Add(ConvNormSiLU(expanded, output, 1, 1, 1, eps, activation: false));
            block = Sequential(layers);
            _residual = stride == 1 && input == output;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => TorchvisionBlocks.Residual(block, x, _residual);
    }
}
