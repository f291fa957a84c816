using XaiVision.Engine.Suites;

namespace XaiVision.Engine.Tests.Support;

/// <summary>
/// Every method the catalog knows, as method strings for tests that must cover them all (a new method joins them by being
/// registered): the catalog's names, with cheap parameters for the ones whose defaults take many passes.
/// </summary>
public static class EveryMethod
{
    static readonly Dictionary<string, string> Cheap = new()
    {
        ["integrated-gradients"] = "integrated-gradients(steps=4)",
        ["smoothgrad"] = "smoothgrad(samples=3)",
        ["occlusion"] = "occlusion(size=16)",
        ["rise"] = "rise(masks=16)",
        ["noise-tunnel"] = "noise-tunnel(samples=2)",
        ["gradient-shap"] = "gradient-shap(samples=2)",
        ["deep-lift-shap"] = "deep-lift-shap(samples=2)",
        ["kernel-shap"] = "kernel-shap(samples=6,segmenter=grid,grid=4)",
        ["lime"] = "lime(samples=6,segmenter=grid,grid=4)",
        ["shapley-value-sampling"] = "shapley-value-sampling(samples=2,segmenter=grid,grid=4)",
    };

    /// <summary>Every method for convolutional networks (the transformer-only ones have their own tests: AttnLrpTests).</summary>
    public static IReadOnlyList<string> Strings =>
        ExplainerCatalog.Names.Except(ExplainerCatalog.TransformerOnly).Select(n => Cheap.GetValueOrDefault(n, n)).ToList();

    public static TheoryData<string> Theory
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var method in Strings) data.Add(method);
            return data;
        }
    }
}
