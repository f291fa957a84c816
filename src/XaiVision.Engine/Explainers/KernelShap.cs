using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// KernelSHAP over superpixels (Lundberg and Lee 2017, "A unified approach to interpreting model predictions", NeurIPS; Captum
/// <c>KernelShap</c> with a <c>feature_mask</c>): <c>samples</c> (25) coalitions — all superpixels and none (weight 10⁶), then
/// coalitions whose size m is drawn with probability ∝ (K − 1)/(m(K − m)), m = 1 … K − 1, and whose members are the m largest of
/// K normal draws (weight 1); a weighted least-squares line with intercept through (coalition, target logit), minimum-norm where
/// the coalitions do not pin it down (scikit-learn's <c>LinearRegression</c>, Captum's default). Coalition k draws from the
/// generator job seed · 1000003 + k: U(0, 1) for m, then the K normals (Captum samples its own; the reference hands it these).
/// </summary>
public sealed class KernelShap(MethodSpec spec) : SurrogateExplainer(spec, defaultSamples: 25)
{
    const double FixedWeight = 1_000_000;

    public override string Name => "kernel-shap";

    protected override bool[] Coalition(long seed, int k, int count) => k switch
    {
        0 => Enumerable.Repeat(true, count).ToArray(),
        1 => new bool[count],
        _ => count < 2 ? Enumerable.Repeat(true, count).ToArray() : Drawn(seed, k, count),
    };

    /// <summary>Coalition k ≥ 2 of <paramref name="count"/> features: which are in it.</summary>
    static bool[] Drawn(long seed, int k, int count)
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

    /// <summary>scikit-learn's weighted <c>LinearRegression</c>: centre by the weighted means, scale rows by √weight, least squares (minimum norm).</summary>
    protected override double[] Fit(bool[][] coalitions, double[] outputs, double[] energy)
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
