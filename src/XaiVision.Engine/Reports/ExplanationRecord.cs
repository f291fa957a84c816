using XaiVision.Engine.Metrics;
using XaiVision.Engine.Suites;

namespace XaiVision.Engine.Reports;

/// <summary>One map: which method, for which class, where it was written, how it was scaled, its metric values and curves.</summary>
public sealed record ExplanationRecord(
    string Method,
    IReadOnlyDictionary<string, string> Parameters,
    ClassScore Target,
    string? Overlay,
    string? Raw,
    string Scaling,
    float MapMin,
    float MapMax,
    float MapSum,
    double MillisecondsPerImage,
    IReadOnlyDictionary<string, double>? Metrics = null,
    IReadOnlyList<PerturbationRecord>? Perturbations = null,
    ComparisonRecord? Comparison = null,
    IReadOnlyDictionary<string, MetricCurve>? Curves = null);
