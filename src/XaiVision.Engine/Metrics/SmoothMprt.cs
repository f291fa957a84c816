using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Smooth model-parameter randomisation test, sMPRT (Hedström et al. 2023, "Sanity checks revisited", NeurIPS XAI in Action
/// workshop; Quantus <c>SmoothMPRT</c>): MPRT with the randomised model's maps denoised by averaging over <c>samples</c> explanations,
/// the last of the clean image and the others of the image plus N(0, σ²) noise, σ = <c>noise</c> · (the image's max − min). Layers
/// re-initialised bottom up, cumulatively, as Quantus does (<see cref="LayerReset"/>, seeded by the job); after each, the Spearman
/// correlation of |map| with |smoothed map|. Value: after the last layer (everything random; lower is better), and the curve over
/// the layers. The noise draws are the same at every layer (Quantus draws anew: common draws make the layers comparable). The
/// model's parameters are restored exactly afterwards. Cost: layers × samples explanations per image.
/// </summary>
public sealed class SmoothMprt(int samples, double noise) : IMetric
{
    public string Name => "smooth-mprt";
    public MetricCategory Category => MetricCategory.Randomisation;
    public string Definition => "Spearman of the map with the noise-averaged map as layers are randomised, bottom first (Hedström et al. 2023).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.LowerIsBetter };
    public IReadOnlyDictionary<string, CurveAxis> Curves => new Dictionary<string, CurveAxis>
    {
        [Name] = new("smooth-mprt: Spearman to the original map as layers are re-initialised from the bottom", -1, 1),
    };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        long n = c.Maps.shape[0];
        var original = c.Maps.detach().to(ScalarType.Float32).abs().cpu().reshape(n, -1);
        var originalMaps = Enumerable.Range(0, (int)n).Select(i => original[i].data<float>().ToArray()).ToArray();
        var curves = Enumerable.Range(0, (int)n).Select(_ => new List<double>()).ToArray();
        List<string> layers;
        using (var reset = new LayerReset(c.Model.Network, c.Seed))
        {
            layers = reset.Layers.Select((name, k) => $"{k + 1}:{name}").ToList();
            for (int layer = 0; layer < reset.Layers.Count; layer++)
            {
                using var step = NewDisposeScope();
                reset.Reset(layer);
                var smoothed = Smoothed(c).abs().cpu().reshape(n, -1);
                for (int i = 0; i < n; i++) curves[i].Add(MapSimilarity.Spearman(originalMaps[i], smoothed[i].data<float>().ToArray()));
            }
        }
        return Enumerable.Range(0, (int)n).Select(i => curves[i].Count == 0 ? MetricResult.Empty : new MetricResult(
            new Dictionary<string, double> { [Name] = curves[i][^1] },
            new Dictionary<string, MetricCurve> { [Name] = new(curves[i], layers) })).ToList();
    }

    /// <summary>The mean of <c>samples</c> maps [N, H, W]: draw k (N(0, 1) [C, H, W] from generator job seed · 1000003 + k) scaled per image, the last draw none.</summary>
    Tensor Smoothed(MetricContext c)
    {
        using var scope = NewDisposeScope();
        long n = c.Images.shape[0];
        var flat = c.Images.reshape(n, -1);
        var sigma = ((flat.amax([1]) - flat.amin([1])) * noise).view(n, 1, 1, 1);
        Tensor? sum = null;
        for (int k = 0; k < samples; k++)
        {
            var input = c.Images;
            if (k < samples - 1)
            {
                using var generator = new Generator((ulong)(c.Seed * 1_000_003 + k));
                input = c.Images + randn(c.Images.shape[1..], generator: generator).to(c.Images.dtype, c.Images.device).unsqueeze(0) * sigma;
            }
            var map = c.Explainer.Explain(c.Model, input, c.Targets, c.Seed).to(ScalarType.Float32) / samples;
            sum = sum is null ? map : sum + map;
        }
        return sum!.MoveToOuterDisposeScope();
    }
}
