using TorchSharp.Modules;
using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Rules;

/// <summary>
/// Max-pooling treated as average pooling (Montavon et al. 2019): relevance goes to every input
/// of a window in proportion to its activation, R_i = Σ_j a_i / Σ_i a_i · R_j, instead of winner-take-all.
/// With <paramref name="relativeEpsilon"/> the denominator is stabilised by that factor × rms(z) as the ε rule of the
/// same range does — the tutorial recipe applies its range's rule to the pooling layers too (Montavon et al., "Layer-wise
/// relevance propagation: an overview", 2019, and the tutorial code at heatmapping.org/tutorial: <c>if isinstance(layers[l],
/// torch.nn.Conv2d) or isinstance(layers[l], torch.nn.AvgPool2d): … incr = lambda z: z + 1e-9 + 0.25*((z**2).mean()**.5)</c>
/// for layers 17–30 of VGG16).
/// </summary>
public sealed class AverageForMaxPoolRule(double relativeEpsilon = 0) : ILrpRule
{
    public string Name => relativeEpsilon > 0 ? $"max-as-average, epsilon({relativeEpsilon}·rms)" : "max-as-average";

    public Tensor Forward(LrpCall call)
    {
        if (call.Module is not MaxPool2d pool)
            throw new XaiVisionException($"'{Name}' applies to max-pooling; '{call.LayerName}' is a {call.Module.GetType().Name}.");
        if (pool.dilation is { } d && d.Any(v => v != 1))
            throw new XaiVisionException($"Max-pooling layer '{call.LayerName}' is dilated; it cannot be treated as average pooling.");
        var z = nn.functional.avg_pool2d(call.Input, pool.kernel_size, pool.stride, pool.padding, pool.ceil_mode, count_include_pad: false);
        return Stabiliser.Reroute(call.Output, relativeEpsilon > 0 ? Stabiliser.AddRelative(z, relativeEpsilon) : Stabiliser.Add(z, 1e-9));
    }
}
