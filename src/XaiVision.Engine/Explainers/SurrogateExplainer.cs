using XaiVision.Engine.Memory;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// The superpixel surrogates (Captum's <c>LimeBase</c> family: KernelSHAP, LIME): <c>samples</c> coalitions of each image's
/// superpixels (<see cref="Superpixels"/>), each scored with the coalition's superpixels kept and the rest at the baseline (zero
/// in normalised space), then a linear model fitted through (coalition, target logit); the map is each superpixel's
/// coefficient. A subclass says how coalitions are drawn and how the line is fitted (its two steps). Cost: samples forwards per
/// image, batched.
/// </summary>
public abstract class SurrogateExplainer(MethodSpec spec, int defaultSamples) : IExplainer
{
    readonly Superpixels _features = Superpixels.From(spec);
    readonly int _batch = spec.Int("batch", 64, 1, 65536);

    protected int Samples { get; } = spec.Int("samples", defaultSamples, 2, 100_000);

    public abstract string Name { get; }

    public bool KeepsMapInBFloat16 => true;

    public IReadOnlyDictionary<string, string> Describe(ExplainableModel model) =>
        new Dictionary<string, string>(_features.Describe()) { ["samples"] = Samples.ToString(), ["baseline"] = "zero", ["batch"] = _batch.ToString() };

    /// <summary>Coalition k (0 … samples − 1) of an image's <paramref name="count"/> superpixels: which are in it.</summary>
    protected abstract bool[] Coalition(long seed, int k, int count);

    /// <summary>
    /// The coefficient of every superpixel from the coalitions, their target logits (float32 values, as doubles) and each
    /// superpixel's share of the image's energy Σ x² (over its pixels and channels: what a coalition keeps of the image).
    /// </summary>
    protected abstract double[] Fit(bool[][] coalitions, double[] outputs, double[] energy);

    public Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        int n = (int)images.shape[0], h = (int)images.shape[2], w = (int)images.shape[3], pixels = h * w;
        var features = _features.Of(images);
        var coalitions = features.Select(f => Enumerable.Range(0, Samples).Select(k => Coalition(seed, k, f.Count)).ToArray()).ToArray();
        var kept = new bool[n * Samples * pixels];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < Samples; k++)
                for (int p = 0; p < pixels; p++) kept[(i * Samples + k) * pixels + p] = coalitions[i][k][features[i].Labels[p]];
        var keep = tensor(kept, device: images.device).view(n * Samples, 1, h, w);
        var scores = ChunkedScores.Run(model, n * Samples, _batch, pixels, images.device, row =>
        {
            var image = row.div(Samples, rounding_mode: RoundingMode.floor);
            return (images.index_select(0, image).masked_fill(keep.index_select(0, row).logical_not(), 0), targets.index_select(0, image));
        }, probability: false).to(ScalarType.Float32).to(ScalarType.Float64).cpu().data<double>().ToArray();
        var pixelEnergy = images.to(ScalarType.Float64).square().sum(1).reshape(n, pixels).cpu().data<double>().ToArray();
        var map = new float[n * pixels];
        for (int i = 0; i < n; i++)
        {
            var energy = new double[features[i].Count];
            for (int p = 0; p < pixels; p++) energy[features[i].Labels[p]] += pixelEnergy[i * pixels + p];
            var coefficients = Fit(coalitions[i], scores[(i * Samples)..((i + 1) * Samples)], energy);
            for (int p = 0; p < pixels; p++) map[i * pixels + p] = (float)coefficients[features[i].Labels[p]];
        }
        return tensor(map, device: images.device).view(n, h, w).MoveToOuterDisposeScope();
    }
}
