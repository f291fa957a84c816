using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace XaiVision.Engine.Models;

/// <summary>
/// The bundled demo classifier: a small VGG-style CNN for 64×64 inputs, with VGG's module
/// names (<c>features.N</c>, <c>classifier.N</c>) so every VGG technique applies unchanged.
/// features: [conv3-16, ReLU, pool] [conv3-32, ReLU, pool] [conv3-64, ReLU, conv3-64, ReLU, pool];
/// classifier: Linear(64·8·8 → 128), ReLU, Dropout, Linear(128 → classes).
/// </summary>
public sealed class DemoNet : Module<Tensor, Tensor>
{
    public const int InputSize = 64;
    public const string LastConvRelu = "features.9";

    private readonly Sequential features;
    private readonly Sequential classifier;

    public DemoNet(int numClasses) : base(nameof(DemoNet))
    {
        features = Sequential(
            Conv2d(3, 16, 3, padding: 1), ReLU(), MaxPool2d(2),
            Conv2d(16, 32, 3, padding: 1), ReLU(), MaxPool2d(2),
            Conv2d(32, 64, 3, padding: 1), ReLU(), Conv2d(64, 64, 3, padding: 1), ReLU(), MaxPool2d(2));
        classifier = Sequential(Linear(64 * 8 * 8, 128), ReLU(), Dropout(0.3), Linear(128, numClasses));
        RegisterComponents();
        InitialiseLikeTorchvisionVgg();
    }

    /// <summary>torchvision's VGG initialisation (Kaiming-normal convolutions, zero biases): trains far faster than the default.</summary>
    void InitialiseLikeTorchvisionVgg()
    {
        using var _ = no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    init.kaiming_normal_(conv.weight!, mode: init.FanInOut.FanOut, nonlinearity: init.NonlinearityType.ReLU);
                    conv.bias!.zero_();
                    break;
                case Linear linear:
                    init.normal_(linear.weight!, 0, 0.01);
                    linear.bias!.zero_();
                    break;
            }
        }
    }

    public override Tensor forward(Tensor x)
    {
        using var f = features.call(x);
        using var flat = f.flatten(1);
        return classifier.call(flat);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            features.Dispose();
            classifier.Dispose();
        }
        base.Dispose(disposing);
    }
}
