using TorchSharp.Modules;
using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp;

/// <summary>A convolution or linear layer seen as y = f(x; W, b), so rules can re-run it with modified W, b, x.</summary>
internal sealed class AffineLayer
{
    readonly Func<Tensor, Tensor, Tensor?, Tensor> _apply;

    AffineLayer(Tensor weight, Tensor? bias, Func<Tensor, Tensor, Tensor?, Tensor> apply)
    {
        Weight = weight;
        Bias = bias;
        _apply = apply;
    }

    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    public Tensor Apply(Tensor x, Tensor weight, Tensor? bias) => _apply(x, weight, bias);

    public static AffineLayer? Of(nn.Module module) => module switch
    {
        Conv2d conv when conv.padding_type is null => new AffineLayer(conv.weight!, conv.bias,
            (x, w, b) => nn.functional.conv2d(x, w, b, conv.stride, conv.padding, conv.dilation, conv.groups)),
        Linear linear => new AffineLayer(linear.weight!, linear.bias, (x, w, b) => nn.functional.linear(x, w, b)),
        _ => null,
    };

    public static AffineLayer Require(LrpCall call, string rule) =>
        Of(call.Module) ?? throw new XaiVisionException($"LRP rule '{rule}' needs a convolution or linear layer; '{call.LayerName}' is a {call.Module.GetType().Name}.");
}
