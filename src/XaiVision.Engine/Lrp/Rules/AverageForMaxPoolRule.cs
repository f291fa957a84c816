using TorchSharp.Modules;
using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Rules;

/// <summary>
/// Max-pooling treated as average pooling (Montavon et al. 2019): relevance goes to every input
/// of a window in proportion to its activation, R_i = Σ_j a_i / Σ_i a_i · R_j, instead of winner-take-all.
/// </summary>
public sealed class AverageForMaxPoolRule : ILrpRule
{
    public string Name => "max-as-average";

    public Tensor Forward(LrpCall call)
    {
        if (call.Module is not MaxPool2d pool)
            throw new XaiVisionException($"'{Name}' applies to max-pooling; '{call.LayerName}' is a {call.Module.GetType().Name}.");
        if (pool.dilation is { } d && d.Any(v => v != 1))
            throw new XaiVisionException($"Max-pooling layer '{call.LayerName}' is dilated; it cannot be treated as average pooling.");
        var z = nn.functional.avg_pool2d(call.Input, pool.kernel_size, pool.stride, pool.padding, pool.ceil_mode, count_include_pad: false);
        return Stabiliser.Reroute(call.Output, Stabiliser.Add(z, 1e-9));
    }
}
