using XaiVision.Engine.Explainers;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Suites;

namespace XaiVision.Engine.Reports;

/// <summary>
/// One map: which method, for which class, where it was written, how it was scaled, its metric values and curves; with strategy
/// analysis on, its <see cref="Strategies.MapThumbnail"/> (S×S, base64 halves); from a concept method (CRP), its most relevant channels.
/// </summary>
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
    IReadOnlyDictionary<string, MetricCurve>? Curves = null,
    HeatmapFile? Heatmap = null,
    string? Thumbnail = null,
    ConceptShares? Concepts = null);

/// <summary>A map drawn on its own (the report's thumbnails): where, and the values at which its colours end (for a colour bar).</summary>
public sealed record HeatmapFile(string Path, float Low, float High, bool Signed);
