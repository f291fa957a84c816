using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace XaiVision.Engine.Models;

/// <summary>
/// torchvision's <c>SqueezeExcitation</c> (Hu et al. 2018): x · scale(fc2(act(fc1(avgpool(x))))), with its child names
/// (<c>avgpool, fc1, fc2, activation, scale_activation</c>). EfficientNet: SiLU and sigmoid; MobileNetV3: ReLU and hard sigmoid.
/// </summary>
public sealed class SqueezeExcitation : Module<Tensor, Tensor>
{
    private readonly AdaptiveAvgPool2d avgpool = AdaptiveAvgPool2d(1);
    private readonly Conv2d fc1;
    private readonly Conv2d fc2;
    private readonly Module<Tensor, Tensor> activation;
    private readonly Module<Tensor, Tensor> scale_activation;

    public SqueezeExcitation(int channels, int squeeze, Module<Tensor, Tensor> activation, Module<Tensor, Tensor> scaleActivation) : base(nameof(SqueezeExcitation))
    {
        fc1 = Conv2d(channels, squeeze, 1);
        fc2 = Conv2d(squeeze, channels, 1);
        this.activation = activation;
        scale_activation = scaleActivation;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var scale = scale_activation.call(fc2.call(activation.call(fc1.call(avgpool.call(x)))));
        return (scale * x).MoveToOuterDisposeScope();
    }

    /// <summary>torchvision's <c>_make_divisible(v, 8)</c>: the nearest multiple of 8, never more than 10 % below v.</summary>
    public static int MakeDivisible(double value)
    {
        int rounded = Math.Max(8, (int)(value + 4) / 8 * 8);
        return rounded < 0.9 * value ? rounded + 8 : rounded;
    }
}
