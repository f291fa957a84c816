using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Random logit test (Sixt et al. 2020, "When explanations lie: why many modified BP attributions fail", ICML; Quantus
/// <c>RandomLogit</c>): the map of the explained class should differ from the map of another class, drawn at random among the
/// rest. The score is Quantus's SSIM of the two maps, each divided by its largest magnitude, compared as flat vectors (skimage's
/// <c>structural_similarity</c> on 1-D data: a 7-wide uniform window, sample covariances, K₁ = 0.01, K₂ = 0.03, the data range of
/// both, the mean over the windows that fit). Lower is better. The other class is the k-th of the rest, k drawn from the job's seed
/// (the same k for every image; Quantus draws it from numpy seeded with 42, the reference run hands it ours). Cost: one explanation per image.
/// </summary>
public sealed class RandomLogit : IMetric
{
    public string Name => "random-logit";
    public MetricCategory Category => MetricCategory.Randomisation;
    public string Definition => "Similarity (SSIM) of the explained class's map to a random other class's: a class-blind method scores high (Sixt et al. 2020).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.LowerIsBetter };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        long n = c.Images.shape[0];
        long classes;
        using (no_grad()) classes = c.Model.Forward(c.Images[..1]).shape[1];
        if (classes < 2) return Enumerable.Repeat(MetricResult.Empty, (int)n).ToList();
        using var generator = new Generator((ulong)(c.Seed * 1_000_003));
        var k = randint(0, classes - 1, [1], generator: generator).item<long>();
        // The k-th class of the rest: k itself below the explained class, k + 1 from it on.
        var targets = c.Targets.to(ScalarType.Int64);
        var other = where(targets.le(k), full_like(targets, k + 1), full_like(targets, k));
        var original = NoisyExplanations.NormaliseByMax(c.Maps.reshape(n, -1).to(ScalarType.Float64)).cpu();
        var off = NoisyExplanations.NormaliseByMax(c.Explainer.Explain(c.Model, c.Images, other, c.Seed).reshape(n, -1).to(ScalarType.Float64)).cpu();
        return Enumerable.Range(0, (int)n).Select(i => Ssim1D(original[i].data<double>().ToArray(), off[i].data<double>().ToArray()) is { } s
            ? (MetricResult)new Dictionary<string, double> { [Name] = s } : MetricResult.Empty).ToList();
    }

    /// <summary>skimage's structural similarity of two 1-D signals (window 7, sample covariance); null when shorter than the window.</summary>
    public static double? Ssim1D(double[] a, double[] b)
    {
        const int window = 7, pad = window / 2;
        if (a.Length < window) return null;
        double range = Math.Abs(Math.Max(a.Max(), b.Max()) - Math.Min(a.Min(), b.Min()));
        double c1 = Math.Pow(0.01 * range, 2), c2 = Math.Pow(0.03 * range, 2), covarianceNorm = window / (window - 1.0), sum = 0;
        for (int centre = pad; centre < a.Length - pad; centre++)
        {
            double ma = 0, mb = 0, maa = 0, mbb = 0, mab = 0;
            for (int j = centre - pad; j <= centre + pad; j++)
            {
                ma += a[j]; mb += b[j]; maa += a[j] * a[j]; mbb += b[j] * b[j]; mab += a[j] * b[j];
            }
            ma /= window; mb /= window; maa /= window; mbb /= window; mab /= window;
            double va = covarianceNorm * (maa - ma * ma), vb = covarianceNorm * (mbb - mb * mb), vab = covarianceNorm * (mab - ma * mb);
            sum += (2 * ma * mb + c1) * (2 * vab + c2) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
        }
        return sum / (a.Length - 2 * pad);
    }
}
