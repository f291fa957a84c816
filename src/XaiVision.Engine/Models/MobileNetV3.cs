using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace XaiVision.Engine.Models;

/// <summary>
/// torchvision's MobileNetV3 small and large (Howard et al. 2019) with its exact module names (TorchSharp's own builder has
/// no class count): <c>features.0</c> stem, <c>features.1…</c> inverted residuals (<c>block.{expand, depthwise,
/// squeeze-excitation, project}</c>, ReLU or hard-swish), the 1×1 expansion last, <c>classifier.{0,3}</c> linear layers with
/// hard-swish between; BatchNorm ε = 0.001 as torchvision's.
/// </summary>
public sealed class MobileNetV3 : Module<Tensor, Tensor>
{
    // (input, kernel, expanded, output, squeeze-excitation, hard-swish, stride)
    static readonly (int In, int Kernel, int Expanded, int Out, bool Se, bool HardSwish, int Stride)[] Large =
    [
        (16, 3, 16, 16, false, false, 1), (16, 3, 64, 24, false, false, 2), (24, 3, 72, 24, false, false, 1), (24, 5, 72, 40, true, false, 2),
        (40, 5, 120, 40, true, false, 1), (40, 5, 120, 40, true, false, 1), (40, 3, 240, 80, false, true, 2), (80, 3, 200, 80, false, true, 1),
        (80, 3, 184, 80, false, true, 1), (80, 3, 184, 80, false, true, 1), (80, 3, 480, 112, true, true, 1), (112, 3, 672, 112, true, true, 1),
        (112, 5, 672, 160, true, true, 2), (160, 5, 960, 160, true, true, 1), (160, 5, 960, 160, true, true, 1),
    ];

    static readonly (int In, int Kernel, int Expanded, int Out, bool Se, bool HardSwish, int Stride)[] Small =
    [
        (16, 3, 16, 16, true, false, 2), (16, 3, 72, 24, false, false, 2), (24, 3, 88, 24, false, false, 1), (24, 5, 96, 40, true, true, 2),
        (40, 5, 240, 40, true, true, 1), (40, 5, 240, 40, true, true, 1), (40, 5, 120, 48, true, true, 1), (48, 5, 144, 48, true, true, 1),
        (48, 5, 288, 96, true, true, 2), (96, 5, 576, 96, true, true, 1), (96, 5, 576, 96, true, true, 1),
    ];

    private readonly Sequential features;
    private readonly Sequential classifier;

    MobileNetV3((int In, int Kernel, int Expanded, int Out, bool Se, bool HardSwish, int Stride)[] settings, int lastChannel, int numClasses) : base(nameof(MobileNetV3))
    {
        var layers = new List<Module<Tensor, Tensor>> { ConvNorm(3, settings[0].In, 3, 2, 1, Hardswish()) };
        foreach (var s in settings) layers.Add(new InvertedResidual(s.In, s.Kernel, s.Expanded, s.Out, s.Se, s.HardSwish, s.Stride));
        int last = settings[^1].Out;
        layers.Add(ConvNorm(last, 6 * last, 1, 1, 1, Hardswish()));
        features = Sequential(layers);
        classifier = Sequential(Linear(6 * last, lastChannel), Hardswish(), Dropout(0.2), Linear(lastChannel, numClasses));
        RegisterComponents();
    }

    public static MobileNetV3 Create(string name, int numClasses) => name switch
    {
        "mobilenet_v3_large" => new MobileNetV3(Large, 1280, numClasses),
        "mobilenet_v3_small" => new MobileNetV3(Small, 1024, numClasses),
        _ => throw new XaiVisionException($"Unknown MobileNetV3 '{name}'."),
    };

    static Sequential ConvNorm(int input, int output, int kernel, int stride, int groups, Module<Tensor, Tensor>? activation) =>
        TorchvisionBlocks.ConvNormActivation(input, output, kernel, stride, groups, activation, eps: 0.001, momentum: 0.01);

    public override Tensor forward(Tensor x) => TorchvisionBlocks.PoolAndClassify(features, classifier, x);

    sealed class InvertedResidual : Module<Tensor, Tensor>
    {
        private readonly Sequential block;
        readonly bool _residual;

        public InvertedResidual(int input, int kernel, int expanded, int output, bool se, bool hardSwish, int stride) : base(nameof(InvertedResidual))
        {
            Module<Tensor, Tensor> Activation() => hardSwish ? Hardswish() : ReLU();
            var layers = new List<Module<Tensor, Tensor>>();
            if (expanded != input) layers.Add(ConvNorm(input, expanded, 1, 1, 1, Activation()));
            layers.Add(ConvNorm(expanded, expanded, kernel, stride, expanded, Activation()));
            if (se) layers.Add(new SqueezeExcitation(expanded, SqueezeExcitation.MakeDivisible(expanded / 4), ReLU(), Hardsigmoid()));
            layers.Add(ConvNorm(expanded, output, 1, 1, 1, null));
            block = Sequential(layers);
            _residual = stride == 1 && input == output;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => TorchvisionBlocks.Residual(block, x, _residual);
    }
}
