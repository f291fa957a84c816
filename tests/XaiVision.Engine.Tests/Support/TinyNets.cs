using TorchSharp.Modules;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace XaiVision.Engine.Tests.Support;

/// <summary>Small networks with weights set by hand, so answers can be worked out on paper.</summary>
public static class TinyNets
{
    /// <summary>The TinyNet of tools/make_weight_fixtures.py: conv3x3(3→4)+BN+ReLU+maxpool2, linear(16→3).</summary>
    public sealed class PyTinyNet : Module<Tensor, Tensor>
    {
        private readonly Sequential features = Sequential(Conv2d(3, 4, 3, padding: 1), BatchNorm2d(4), ReLU(), MaxPool2d(2));
        private readonly Sequential classifier = Sequential(Linear(16, 3));

        public PyTinyNet() : base("PyTinyNet") => RegisterComponents();

        public override Tensor forward(Tensor x) => classifier.call(features.call(x).flatten(1));
    }

    /// <summary>
    /// y = W · flatten(x) + b on a 3×2×2 input: every gradient method has a closed form
    /// (∂y_c/∂x = W_c, constant).
    /// </summary>
    public sealed class LinearNet : Module<Tensor, Tensor>
    {
        public readonly Linear fc = Linear(12, 2);

        public LinearNet(float[] weights, float[] bias) : base("LinearNet")
        {
            RegisterComponents();
            using var _ = no_grad();
            fc.weight!.copy_(tensor(weights).view(2, 12));
            fc.bias!.copy_(tensor(bias));
        }

        public override Tensor forward(Tensor x) => fc.call(x.flatten(1));
    }

    /// <summary>
    /// features = [1×1 conv (3→2, hand weights, no bias), ReLU]; then global average pool and a
    /// linear layer (2→2, hand weights). Grad-CAM at features.1: ∂y_c/∂A_k(i,j) = V_ck / (h·w).
    /// </summary>
    public sealed class CamNet : Module<Tensor, Tensor>
    {
        public readonly Sequential features;
        public readonly Linear head = Linear(2, 2, hasBias: false);

        public CamNet(float[] convWeights, float[] headWeights) : base("CamNet")
        {
            features = Sequential(Conv2d(3, 2, 1, bias: false), ReLU());
            RegisterComponents();
            using var _ = no_grad();
            ((Conv2d)features[0]).weight!.copy_(tensor(convWeights).view(2, 3, 1, 1));
            head.weight!.copy_(tensor(headWeights).view(2, 2));
        }

        public override Tensor forward(Tensor x) => head.call(features.call(x).mean([2, 3]));
    }

    public static ExplainableModel Wrap(Module<Tensor, Tensor> net, string defaultLayer = "features.1", int inputSize = 2, OutputHead head = OutputHead.Softmax)
    {
        var architecture = new Architecture("test-net", "test", _ => throw new InvalidOperationException(), defaultLayer, inputSize, 2);
        return new ExplainableModel(net, architecture, Preprocessing.ImageNet(inputSize, inputSize), null, CPU, "test-net") { Head = head };
    }

    public static ExplainableModel RandomDemo(int seed = 3, OutputHead head = OutputHead.Softmax)
    {
        random.manual_seed(seed);
        return Wrap(new DemoNet(5), DemoNet.LastConvRelu, DemoNet.InputSize, head);
    }
}
