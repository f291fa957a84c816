using XaiVision.Engine.Memory;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Feature ablation over superpixels (Captum <c>FeatureAblation</c> with a <c>feature_mask</c>): each superpixel
/// (<see cref="Superpixels"/>: SLIC by default, or a grid) is set to the baseline (zero in normalised space, Captum's default) on its
/// own, and the drop of the target logit, y(x) − y(x without it), is every one of its pixels' value. Cost: one forward per
/// superpixel and image, batched (<c>batch</c> rows).
/// </summary>
public sealed class FeatureAblation(MethodSpec spec) : IExplainer
{
    readonly Superpixels _features = Superpixels.From(spec);
    readonly int _batch = spec.Int("batch", 64, 1, 65536);

    public string Name => "feature-ablation";

    public bool KeepsMapInBFloat16 => true;

    public IReadOnlyDictionary<string, string> Describe(ExplainableModel model) =>
        new Dictionary<string, string>(_features.Describe()) { ["baseline"] = "zero", ["batch"] = _batch.ToString() };

    public Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        int n = (int)images.shape[0], h = (int)images.shape[2], w = (int)images.shape[3];
        var features = _features.Of(images);
        var labels = tensor(features.SelectMany(f => f.Labels.Select(l => (long)l)).ToArray(), device: images.device).view(n, 1, h, w);
        var imageOf = tensor(features.SelectMany((f, i) => Enumerable.Repeat((long)i, f.Count)).ToArray(), device: images.device);
        var featureOf = tensor(features.SelectMany(f => Enumerable.Range(0, f.Count).Select(k => (long)k)).ToArray(), device: images.device);
        var reference = ChunkedScores.Run(model, n, _batch, h * w, images.device, row => (images.index_select(0, row), targets.index_select(0, row)), probability: false);
        var ablated = ChunkedScores.Run(model, imageOf.shape[0], _batch, h * w, images.device, row =>
        {
            var image = imageOf.index_select(0, row);
            var off = labels.index_select(0, image).eq(featureOf.index_select(0, row).view(-1, 1, 1, 1));
            return (images.index_select(0, image).masked_fill(off, 0), targets.index_select(0, image));
        }, probability: false);
        var drop = reference.index_select(0, imageOf) - ablated; // per (image, feature)
        var offsets = features.Select(f => f.Count).ToArray();
        var first = tensor(offsets.Select((_, i) => (long)offsets.Take(i).Sum()).ToArray(), device: images.device).view(n, 1, 1, 1);
        return drop.to(ScalarType.Float32).take(labels + first).squeeze(1).MoveToOuterDisposeScope();
    }
}
