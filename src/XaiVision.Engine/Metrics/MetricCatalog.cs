using XaiVision.Engine.Explainers;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Metric strings (the method grammar): <c>deletion(steps=28)</c>, <c>insertion</c>, <c>aopc-morf(region=8)</c>,
/// <c>aopc-lerf</c>, <c>faithfulness-correlation(subsets=64,fraction=0.05)</c>, <c>infidelity(patches=32,size=0.125,normalise=true)</c>,
/// <c>max-sensitivity(samples=8,radius=0.02)</c> (ours: pixel units; <c>units=input</c> is Quantus's, samples=200, radius=0.2),
/// Quantus's robustness: <c>avg-sensitivity(samples=200,radius=0.2,normalise=false)</c>,
/// <c>local-lipschitz-estimate(samples=200,std=0.1,normalise=true)</c>, <c>relative-input-stability(samples=200,low=0.02,high=0.2,eps=1e-6)</c>,
/// <c>relative-output-stability(…)</c>, <c>relative-representation-stability(…,layer=the CAM layer)</c>, <c>continuity(steps=28)</c>, <c>randomisation</c> (cascading, ours), <c>random-logit</c>,
/// <c>efficient-mprt</c>, <c>smooth-mprt(samples=50,noise=0.1)</c>, <c>localisation(tolerance=0)</c>; Quantus's ordered removals
/// with its black baseline: <c>pixel-flipping(step=1)</c>, <c>region-perturbation(patch=8,order=morf,regions=100)</c>,
/// <c>selectivity(patch=8)</c>, <c>faithfulness-estimate(step=1)</c>; ROAD's noisy linear imputation:
/// <c>irof(segments=100,compactness=10)</c> (SLIC superpixels, as scikit-image cuts them), <c>monotonicity(step=1)</c>, <c>monotonicity-correlation(step=1,samples=100,eps=1e-5)</c>;
/// relative to the batch (Quantus's batch-level metrics): <c>sensitivity-n(step=1)</c>, <c>sufficiency(threshold=0.6)</c>, <c>consistency(n=1,grid=4)</c>;
/// axiomatic: <c>completeness(baseline=black)</c>, <c>non-sensitivity(features=1,eps=1e-5)</c>, <c>input-invariance(shift=-1)</c>;
/// <c>road(steps=50,order=both,noise=0.01,score=accuracy,batch=16)</c> (16 rows keep the solver's working set in a CPU's
/// cache: 2× faster and a third of the memory of 128 on a 64² image; raise it on a GPU); read off the map alone
/// (Quantus's definitions, <see cref="MapOnlyMetric"/>): <c>sparseness</c>, <c>complexity</c>, <c>effective-complexity(eps=1e-5)</c>,
/// <c>top-k-intersection(k=1000,concept-influence=false)</c>, <c>auc</c>, <c>focus</c> (mosaics of the batch's images), <c>attribution-localisation(weighted=false,positive=false,abs=true)</c>.
/// Every one also takes <c>batch</c> (rows per forward pass) where it runs the model.
/// </summary>
public static class MetricCatalog
{
    static readonly Catalog<IMetric> Table = new("metric", new Dictionary<string, Func<MethodSpec, IMetric>>
    {
        ["deletion"] = s => new DeletionInsertionMetric(false, s.Int("steps", 28, 1, 100_000), Batch(s)),
        ["insertion"] = s => new DeletionInsertionMetric(true, s.Int("steps", 28, 1, 100_000), Batch(s)),
        ["aopc-morf"] = s => new AopcMetric(true, s.Int("region", 8, 1, 4096), s.Int("steps", 28, 1, 100_000), Batch(s)),
        ["aopc-lerf"] = s => new AopcMetric(false, s.Int("region", 8, 1, 4096), s.Int("steps", 28, 1, 100_000), Batch(s)),
        ["faithfulness-correlation"] = s => new FaithfulnessCorrelation(s.Int("subsets", 64, 2, 100_000), s.Double("fraction", 0.05, 1e-6, 1), Batch(s)),
        ["infidelity"] = s => new Infidelity(s.Int("patches", 32, 1, 100_000), s.Double("size", 0.125, 1e-3, 1),
            Flag(s, "normalise", true), Batch(s)),
        ["max-sensitivity"] = s => s.Choice("units", false, new Dictionary<string, bool> { ["pixel"] = false, ["input"] = true })
            ? new AvgSensitivity(s.Int("samples", 200, 1, 100_000), s.Double("radius", 0.2, 0, 100), Flag(s, "normalise", false), maximum: true)
            : new MaxSensitivity(s.Int("samples", 8, 1, 10_000), s.Double("radius", 0.02, 0, 1)),
        ["avg-sensitivity"] = s => new AvgSensitivity(s.Int("samples", 200, 1, 100_000), s.Double("radius", 0.2, 0, 100), Flag(s, "normalise", false)),
        ["local-lipschitz-estimate"] = s => new LocalLipschitzEstimate(s.Int("samples", 200, 1, 100_000), s.Double("std", 0.1, 0, 100), Flag(s, "normalise", true)),
        ["relative-input-stability"] = s => Stability(s, RelativeStability.Against.Input),
        ["relative-output-stability"] = s => Stability(s, RelativeStability.Against.Output),
        ["relative-representation-stability"] = s => Stability(s, RelativeStability.Against.Representation, s.String("layer")),
        ["randomisation"] = _ => new Randomisation(),
        ["random-logit"] = _ => new RandomLogit(),
        ["efficient-mprt"] = _ => new EfficientMprt(),
        ["smooth-mprt"] = s => new SmoothMprt(s.Int("samples", 50, 1, 100_000), s.Double("noise", 0.1, 0, 100)),
        ["continuity"] = s => new Continuity(s.Int("steps", 28, 1, 100_000)),
        ["localisation"] = s => new LocalisationMetric(s.Int("tolerance", 0, 0, 10_000)),
        ["pixel-flipping"] = s => new PixelFlipping(s.Int("step", 1, 1, 1_000_000), Batch(s)),
        ["region-perturbation"] = s => new RegionPerturbation(s.Int("patch", 8, 1, 4096),
            s.Choice("order", true, new Dictionary<string, bool> { ["morf"] = true, ["lerf"] = false }), s.Int("regions", 100, 1, 1_000_000), Batch(s)),
        ["selectivity"] = s => new Selectivity(s.Int("patch", 8, 1, 4096), Batch(s)),
        ["faithfulness-estimate"] = s => new FaithfulnessEstimate(s.Int("step", 1, 1, 1_000_000), Batch(s)),
        ["road"] = s => new Road(s.Int("steps", 50, 1, 10_000),
            s.Choice("order", Road.Order.Both, new Dictionary<string, Road.Order> { ["morf"] = Road.Order.Morf, ["lerf"] = Road.Order.Lerf, ["both"] = Road.Order.Both }),
            s.Double("noise", 0.01, 0, 10), s.Choice("score", false, new Dictionary<string, bool> { ["accuracy"] = false, ["probability"] = true }), Batch(s, 16)),
        ["irof"] = s => new Irof(s.Int("segments", 100, 1, 1_000_000), s.Double("compactness", 10, 1e-6, 1e6), Batch(s)),
        ["sensitivity-n"] = s => new SensitivityN(s.Int("step", 1, 1, 1_000_000), Batch(s)),
        ["sufficiency"] = s => new Sufficiency(s.Double("threshold", 0.6, 0, 1)),
        ["consistency"] = s => new Consistency(s.Int("n", 1, 1, 1_000_000), s.Int("grid", 4, 0, 4096)),
        ["monotonicity"] = s => new Monotonicity(s.Int("step", 1, 1, 1_000_000), Batch(s)),
        ["monotonicity-correlation"] = s => new MonotonicityCorrelation(s.Int("step", 1, 1, 1_000_000), s.Int("samples", 100, 1, 100_000),
            s.Double("eps", 1e-5, 0, 1), Batch(s)),
        ["completeness"] = s => new Completeness(s.Choice("baseline", false, new Dictionary<string, bool> { ["black"] = false, ["zero"] = true }), Batch(s)),
        ["input-invariance"] = s => new InputInvariance(s.Double("shift", -1, -1000, 1000)),
        ["non-sensitivity"] = s => new NonSensitivity(s.Int("features", 1, 1, 100_000_000), s.Double("eps", 1e-5, 0, 1), Batch(s)),
        ["sparseness"] = _ => new Sparseness(),
        ["complexity"] = _ => new Complexity(),
        ["effective-complexity"] = s => new EffectiveComplexity(s.Double("eps", 1e-5, 0, 1)),
        ["top-k-intersection"] = s => new TopKIntersection(s.Int("k", 1000, 1, 100_000_000), Flag(s, "concept-influence", false)),
        ["auc"] = _ => new LocalisationAuc(),
        ["focus"] = _ => new Focus(),
        ["attribution-localisation"] = s => new AttributionLocalisation(Flag(s, "weighted", false), Flag(s, "positive", false), Flag(s, "abs", true)),
    });

    static bool Flag(MethodSpec s, string name, bool fallback) =>
        s.Choice(name, fallback, new Dictionary<string, bool> { ["true"] = true, ["false"] = false });

    static RelativeStability Stability(MethodSpec s, RelativeStability.Against against, string? layer = null) =>
        new(against, s.Int("samples", 200, 1, 100_000), s.Double("low", 0.02, -100, 100), s.Double("high", 0.2, -100, 100), s.Double("eps", 1e-6, 0, 1), layer);

    static int Batch(MethodSpec s, int fallback = 128) => s.Int("batch", fallback, 1, 1_000_000);

    public static IEnumerable<string> Names => Table.Names;

    public static IMetric Create(MethodSpec spec) => Table.Create(spec);

    public static IReadOnlyList<IMetric> CreateList(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : MethodSpec.ParseList(text).Select(Create).ToList();
}
