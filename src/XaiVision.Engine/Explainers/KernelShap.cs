using XaiVision.Engine.Memory;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// KernelSHAP over superpixels (Lundberg and Lee 2017, "A unified approach to interpreting model predictions", NeurIPS; Captum
/// <c>KernelShap</c> with a <c>feature_mask</c>): <c>samples</c> (25) coalitions of the superpixels (<see cref="Superpixels"/>) —
/// all of them and none (weight 10⁶), then coalitions whose size m is drawn with probability ∝ (K − 1)/(m(K − m)), m = 1 … K − 1,
/// and whose members are the m largest of K normal draws (weight 1) — each image with the coalition's superpixels kept and the
/// rest at the baseline (zero in normalised space); a weighted least-squares line with intercept through (coalition, target
/// logit), minimum-norm where the coalitions do not pin it down (scikit-learn's <c>LinearRegression</c>, Captum's default); the
/// map is each superpixel's coefficient. Coalition k draws from the generator job seed · 1000003 + k: U(0, 1) for m, then the K
/// normals (Captum samples its own; the reference hands it these). Cost: samples forwards per image, batched.
/// </summary>
public sealed class KernelShap(MethodSpec spec) : IExplainer
{
    const double FixedWeight = 1_000_000;
    readonly Superpixels _features = Superpixels.From(spec);
    readonly int _samples = spec.Int("samples", 25, 2, 100_000);
    readonly int _batch = spec.Int("batch", 64, 1, 65536);

    public string Name => "kernel-shap";

    public bool KeepsMapInBFloat16 => true;

    public IReadOnlyDictionary<string, string> Describe(ExplainableModel model) =>
        new Dictionary<string, string>(_features.Describe()) { ["samples"] = _samples.ToString(), ["baseline"] = "zero", ["batch"] = _batch.ToString() };

    /// <summary>Coalition k ≥ 2 of <paramref name="count"/> features: which are in it.</summary>
    public static bool[] Coalition(long seed, int k, int count)
    {
        using var generator = new Generator((ulong)(seed * 1_000_003 + k));
        using var u = rand([1], generator: generator);
        var weights = Enumerable.Range(1, count - 1).Select(m => (count - 1.0) / (m * (double)(count - m))).ToArray();
        double total = weights.Sum(), draw = u.item<float>(), cumulative = 0;
        int size = count - 1;
        for (int m = 1; m < count; m++)
        {
            cumulative += weights[m - 1] / total;
            if (draw < cumulative) { size = m; break; }
        }
        using var normals = randn([count], generator: generator);
        var values = normals.data<float>().ToArray();
        var members = new bool[count];
        foreach (var f in Enumerable.Range(0, count).OrderByDescending(f => values[f]).Take(size)) members[f] = true;
        return members;
    }

    public Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        int n = (int)images.shape[0], h = (int)images.shape[2], w = (int)images.shape[3], pixels = h * w;
        var features = _features.Of(images);
        var coalitions = features.Select(f => Enumerable.Range(0, _samples).Select(k => k switch
        {
            0 => Enumerable.Repeat(true, f.Count).ToArray(),
            1 => new bool[f.Count],
            _ => f.Count < 2 ? Enumerable.Repeat(true, f.Count).ToArray() : Coalition(seed, k, f.Count),
        }).ToArray()).ToArray();
        var kept = new bool[n * _samples * pixels];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < _samples; k++)
                for (int p = 0; p < pixels; p++) kept[(i * _samples + k) * pixels + p] = coalitions[i][k][features[i].Labels[p]];
        var keep = tensor(kept, device: images.device).view(n * _samples, 1, h, w);
        var scores = ChunkedScores.Run(model, n * _samples, _batch, pixels, images.device, row =>
        {
            var image = row.div(_samples, rounding_mode: RoundingMode.floor);
            return (images.index_select(0, image).masked_fill(keep.index_select(0, row).logical_not(), 0), targets.index_select(0, image));
        }, probability: false).to(ScalarType.Float64).cpu().data<double>().ToArray();
        var map = new float[n * pixels];
        for (int i = 0; i < n; i++)
        {
            var coefficients = Fit(coalitions[i], scores[(i * _samples)..((i + 1) * _samples)]);
            for (int p = 0; p < pixels; p++) map[i * pixels + p] = (float)coefficients[features[i].Labels[p]];
        }
        return tensor(map, device: images.device).view(n, h, w).MoveToOuterDisposeScope();
    }

    /// <summary>scikit-learn's weighted <c>LinearRegression</c>: centre by the weighted means, scale rows by √weight, least squares (minimum norm).</summary>
    static double[] Fit(bool[][] coalitions, double[] outputs)
    {
        int rows = coalitions.Length, count = coalitions[0].Length;
        var weights = Enumerable.Range(0, rows).Select(k => k < 2 ? FixedWeight : 1.0).ToArray();
        double totalWeight = weights.Sum();
        var meanX = Enumerable.Range(0, count).Select(f => Enumerable.Range(0, rows).Sum(k => weights[k] * (coalitions[k][f] ? 1 : 0)) / totalWeight).ToArray();
        double meanY = Enumerable.Range(0, rows).Sum(k => weights[k] * outputs[k]) / totalWeight;
        using var scope = NewDisposeScope();
        var a = tensor(Enumerable.Range(0, rows).SelectMany(k => Enumerable.Range(0, count).Select(f => Math.Sqrt(weights[k]) * ((coalitions[k][f] ? 1 : 0) - meanX[f]))).ToArray())
            .view(rows, count);
        var b = tensor(Enumerable.Range(0, rows).Select(k => Math.Sqrt(weights[k]) * (outputs[k] - meanY)).ToArray()).view(rows, 1);
        return linalg.pinv(a).matmul(b).view(-1).data<double>().ToArray();
    }
}
