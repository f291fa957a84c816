using XaiVision.Engine.Memory;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Shapley value sampling over superpixels (Castro et al. 2009, "Polynomial calculation of the Shapley value based on sampling",
/// Computers &amp; Operations Research 36(5); Captum <c>ShapleyValueSampling</c> with a <c>feature_mask</c>): for each of <c>samples</c>
/// (25) random orders of the superpixels (<see cref="Superpixels"/>), they are put back one at a time into the baseline image (zero
/// in normalised space), and each is credited with the target logit's change when it joins; the map is each superpixel's mean
/// credit. Order k of an image with K superpixels sorts K draws of U(0, 1) from the generator job seed · 1000003 + k (Captum calls
/// <c>torch.randperm</c>; the reference hands it these orders). Cost: samples × K + 1 forwards per image, batched.
/// </summary>
public sealed class ShapleyValueSampling(MethodSpec spec) : IExplainer
{
    readonly Superpixels _features = Superpixels.From(spec);
    readonly int _samples = spec.Int("samples", 25, 1, 100_000);
    readonly int _batch = spec.Int("batch", 64, 1, 65536);

    public string Name => "shapley-value-sampling";

    public bool KeepsMapInBFloat16 => true;

    public IReadOnlyDictionary<string, string> Describe(ExplainableModel model) =>
        new Dictionary<string, string>(_features.Describe()) { ["samples"] = _samples.ToString(), ["baseline"] = "zero", ["batch"] = _batch.ToString() };

    /// <summary>Order k of <paramref name="count"/> features: the features sorted by their draws.</summary>
    public static int[] Order(long seed, int k, int count)
    {
        using var generator = new Generator((ulong)(seed * 1_000_003 + k));
        using var draws = rand([count], generator: generator);
        var values = draws.data<float>().ToArray();
        return Enumerable.Range(0, count).OrderBy(f => values[f]).ToArray();
    }

    public Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        int n = (int)images.shape[0], h = (int)images.shape[2], w = (int)images.shape[3], pixels = h * w;
        var features = _features.Of(images);
        // Per (image, order): each pixel's position in the order; rows: per image the baseline, then order × step (step j puts j features back).
        var orders = features.Select(f => Enumerable.Range(0, _samples).Select(k => Order(seed, k, f.Count)).ToArray()).ToArray();
        var position = new int[n * _samples * pixels];
        var rowImage = new List<long>();
        var rowPlan = new List<long>();
        var rowStep = new List<long>();
        for (int i = 0; i < n; i++)
        {
            rowImage.Add(i); rowPlan.Add(i * _samples); rowStep.Add(0);
            for (int k = 0; k < _samples; k++)
            {
                var at = new int[features[i].Count];
                for (int j = 0; j < at.Length; j++) at[orders[i][k][j]] = j;
                int plan = i * _samples + k;
                for (int p = 0; p < pixels; p++) position[plan * pixels + p] = at[features[i].Labels[p]];
                for (int j = 1; j <= features[i].Count; j++) { rowImage.Add(i); rowPlan.Add(plan); rowStep.Add(j); }
            }
        }
        var positions = tensor(position, device: images.device).view(n * _samples, 1, h, w);
        var (imageOf, planOf, stepOf) = (tensor(rowImage.ToArray(), device: images.device), tensor(rowPlan.ToArray(), device: images.device),
            tensor(rowStep.ToArray(), device: images.device));
        var scores = ChunkedScores.Run(model, imageOf.shape[0], _batch, pixels, images.device, row =>
        {
            var image = imageOf.index_select(0, row);
            var back = positions.index_select(0, planOf.index_select(0, row)).lt(stepOf.index_select(0, row).view(-1, 1, 1, 1).to(ScalarType.Int32));
            return (images.index_select(0, image).masked_fill(back.logical_not(), 0), targets.index_select(0, image));
        }, probability: false).to(ScalarType.Float64).cpu().data<double>().ToArray();
        var map = new float[n * pixels];
        int r = 0;
        for (int i = 0; i < n; i++)
        {
            var credit = new double[features[i].Count];
            double baseline = scores[r++];
            for (int k = 0; k < _samples; k++)
            {
                double previous = baseline;
                for (int j = 0; j < features[i].Count; j++, r++)
                {
                    credit[orders[i][k][j]] += scores[r] - previous;
                    previous = scores[r];
                }
            }
            for (int p = 0; p < pixels; p++) map[i * pixels + p] = (float)(credit[features[i].Labels[p]] / _samples);
        }
        return tensor(map, device: images.device).view(n, h, w).MoveToOuterDisposeScope();
    }
}
