using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace XaiVision.Engine.Models;

/// <summary>
/// torchvision's MobileNetV2 (Sandler et al. 2018, "MobileNetV2: Inverted Residuals and Linear Bottlenecks") with its exact
/// module names and registration order (<c>features</c> before <c>classifier</c>, as the forward runs — TorchSharp's own
/// registers the classifier first, which breaks every "layers in forward order" walk): <c>features.0</c> stem,
/// <c>features.1–17</c> inverted residuals (<c>features.K.conv.…</c>; a residual sum where stride is 1 and widths agree),
/// <c>features.18</c> the 1×1 expansion to 1280; <c>classifier.1</c> the head.
/// </summary>
public sealed class MobileNetV2 : Module<Tensor, Tensor>
{
    static readonly (int Expand, int Channels, int Repeats, int Stride)[] Settings =
        [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)];

    private readonly Sequential features;
    private readonly Sequential classifier;

    public MobileNetV2(int numClasses) : base(nameof(MobileNetV2))
    {
        var blocks = new List<Module<Tensor, Tensor>> { ConvNormReLU6(3, 32, 3, 2) };
        int input = 32;
        foreach (var (expand, channels, repeats, stride) in Settings)
            for (int i = 0; i < repeats; i++)
            {
                blocks.Add(new InvertedResidual(input, channels, i == 0 ? stride : 1, expand));
                input = channels;
            }
        blocks.Add(ConvNormReLU6(input, 1280, 1, 1));
        features = Sequential(blocks);
        classifier = Sequential(Dropout(0.2), Linear(1280, numClasses));
        RegisterComponents();
        using var _ = no_grad();
        foreach (var module in modules())
            switch (module)
            {
                case Conv2d conv: init.kaiming_normal_(conv.weight!, mode: init.FanInOut.FanOut); break;
                case BatchNorm2d bn: bn.weight!.fill_(1); bn.bias!.zero_(); break;
                case Linear linear: init.normal_(linear.weight!, 0, 0.01); linear.bias!.zero_(); break;
            }
    }

    static Sequential ConvNormReLU6(int input, int output, int kernel, int stride, int groups = 1) =>
        TorchvisionBlocks.ConvNormActivation(input, output, kernel, stride, groups, ReLU6());

    public override Tensor forward(Tensor x) => TorchvisionBlocks.PoolAndClassify(features, classifier, x);

    sealed class InvertedResidual : Module<Tensor, Tensor>
    {
        private readonly Sequential conv;
        readonly bool _residual;

        public InvertedResidual(int input, int output, int stride, int expand) : base(nameof(InvertedResidual))
        {
            int hidden = input * expand;
            var layers = new List<Module<Tensor, Tensor>>();
            if (expand != 1) layers.Add(ConvNormReLU6(input, hidden, 1, 1));
            layers.Add(ConvNormReLU6(hidden, hidden, 3, stride, groups: hidden));
            layers.Add(Conv2d(hidden, output, 1, bias: false));
            layers.Add(BatchNorm2d(output));
            conv = Sequential(layers);
            _residual = stride == 1 && input == output;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => TorchvisionBlocks.Residual(conv, x, _residual);
    }
}
