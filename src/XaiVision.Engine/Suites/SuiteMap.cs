using XaiVision.Engine.Explainers;
using XaiVision.Engine.Metrics;

namespace XaiVision.Engine.Suites;

/// <summary>One (image, explainer, target) map with its metric values and curves, its perturbation results and, from a concept method, its concepts.</summary>
public sealed record SuiteMap(string Method, IReadOnlyDictionary<string, string> Parameters, ClassScore Target, float[] Map,
    IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<PerturbedMap> Perturbed, int TargetRank, int TargetCount,
    IReadOnlyDictionary<string, MetricCurve>? Curves = null, ConceptShares? Concepts = null);
