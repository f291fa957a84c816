using XaiVision.Engine.Explainers;
using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Concepts;

/// <summary>
/// Where a concept is relevant in an image: the square window, 3/8 of the shorter side, that holds the most positive relevance of the
/// concept's conditional map — the crop its reference pictures show (zennit-crp crops its reference images around the relevant region
/// the same way; its receptive-field crops need a per-neuron pass, which this avoids).
/// </summary>
public static class ConceptLocation
{
    /// <summary>Per row of <paramref name="maps"/> [N,H,W] its window, or null when the map has no positive relevance.</summary>
    public static IReadOnlyList<ConceptBox?> Boxes(Tensor maps)
    {
        using var scope = NewDisposeScope();
        var (height, width) = ((int)maps.shape[1], (int)maps.shape[2]);
        int size = Math.Max(1, (int)Math.Round(Math.Min(height, width) * 3 / 8.0));
        var positive = maps.to(ScalarType.Float32).clamp(min: 0).unsqueeze(1);
        var sums = nn.functional.avg_pool2d(positive, [size, size], stride: [1, 1]).flatten(1);
        var (best, at) = sums.max(1);
        var values = best.cpu().data<float>().ToArray();
        var positions = at.cpu().data<long>().ToArray();
        int across = width - size + 1;
        return values.Select((v, i) => v > 0 ? new ConceptBox((int)(positions[i] % across), (int)(positions[i] / across), size) : null).ToList();
    }
}
