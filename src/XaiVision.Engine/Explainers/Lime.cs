using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// LIME over superpixels (Ribeiro et al. 2016, "Why should I trust you?", KDD; Captum <c>Lime</c> with its defaults and a
/// <c>feature_mask</c>): <c>samples</c> (50) coalitions, each superpixel in with probability ½; each weighted by the exponential
/// kernel exp(−d²/2) of the cosine distance d between the image and the coalition's image (the rest at zero: d = 1 − √(share of
/// Σx² kept)); a Lasso line (<c>alpha</c> 0.01, with intercept: scikit-learn's <c>Lasso</c>, <see cref="Lasso"/>) through
/// (coalition, target logit). Coalition k draws U(0, 1) per superpixel from the generator job seed · 1000003 + k (in where
/// below ½; Captum asks <c>torch.bernoulli</c>; the reference hands it these).
/// </summary>
public sealed class Lime(MethodSpec spec) : SurrogateExplainer(spec, defaultSamples: 50)
{
    readonly double _alpha = spec.Double("alpha", 0.01, 0, 1e6);

    public override string Name => "lime";

    protected override bool[] Coalition(long seed, int k, int count)
    {
        using var generator = new Generator((ulong)(seed * 1_000_003 + k));
        using var draws = rand([count], generator: generator);
        return draws.data<float>().Select(u => u < 0.5f).ToArray();
    }

    protected override double[] Fit(bool[][] coalitions, double[] outputs, double[] energy)
    {
        double total = energy.Sum();
        var weights = coalitions.Select(c =>
        {
            double kept = energy.Where((_, f) => c[f]).Sum();
            double distance = 1 - (total > 0 ? Math.Sqrt(kept / total) : 0);
            return (double)(float)Math.Exp(-distance * distance / 2); // Captum hands the weights over in float32
        }).ToArray();
        var x = coalitions.Select(c => c.Select(b => b ? 1.0 : 0.0).ToArray()).ToArray();
        return Lasso.Fit(x, outputs, weights, _alpha);
    }
}
