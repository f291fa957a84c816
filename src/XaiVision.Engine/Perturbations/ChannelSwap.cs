using XaiVision.Engine.Explainers;
using static TorchSharp.torch;

namespace XaiVision.Engine.Perturbations;

/// <summary>Reorders colour channels in pixel space: <c>order=bgr</c> (RGB↔BGR, the classic OpenCV mistake) or any permutation of r, g, b.</summary>
public sealed class ChannelSwap : IPerturbation
{
    readonly string _order;
    readonly long[] _permutation;

    public ChannelSwap(MethodSpec spec)
    {
        _order = (spec.String("order") ?? "bgr").ToLowerInvariant();
        if (_order.Length != 3 || _order.Distinct().Count() != 3 || _order.Any(c => "rgb".IndexOf(c) < 0))
            throw new XaiVisionException($"Perturbation 'channel-swap': order must be a permutation of r, g, b (e.g. bgr), got '{_order}'.");
        _permutation = _order.Select(c => (long)"rgb".IndexOf(c)).ToArray();
    }

    public string Name => "channel-swap";

    public IReadOnlyDictionary<string, string> Parameters => new Dictionary<string, string> { ["order"] = _order };

    public Tensor Apply(PerturbationInput input) =>
        PixelSpace.Edit(input.Images, input.Preprocessing, pixels => pixels.index_select(1, tensor(_permutation, device: pixels.device)));
}
