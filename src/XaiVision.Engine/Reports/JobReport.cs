using XaiVision.Engine.MetaEvaluation;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Strategies;

namespace XaiVision.Engine.Reports;

/// <summary>
/// <c>report.json</c>, schema version 2: counts, per-method means of every metric and of the
/// robustness figures per perturbation, the per-image errors by reason (counts and first examples; every one in <c>errors.csv</c>), the gate verdict, and what each metric output
/// is (category, direction) and how each curve is drawn — what the HTML page reads instead of knowing metrics by name; with the layer
/// sweep, ΣR / logit per LRP method and layer (<see cref="ThroughTheNetwork"/>); the strategy clusters per method and class
/// (<see cref="Strategies"/>, SpRAy; their pictures' data in <c>strategies.json</c>); which metrics to trust on this model
/// (<see cref="MetaEvaluation"/>, MetaQuantus's criteria per output and perturbation kind); with <c>positive</c> targets, how many images
/// had no label above the threshold and so no map (<see cref="WithoutTarget"/>).
/// No timings or dates, so the same job gives the same bytes.
/// </summary>
public sealed record JobReport(
    int SchemaVersion,
    string Model,
    string Targets,
    int Images,
    int FailedImages,
    IReadOnlyList<string> Methods,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Metrics,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Robustness,
    IReadOnlyList<ErrorSummary> Errors,
    GateVerdict Gates,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, Interval>>? Comparison = null,
    IReadOnlyList<ShardFailure>? FailedShards = null,
    IReadOnlyDictionary<string, MetricOutput>? Outputs = null,
    IReadOnlyDictionary<string, CurveAxis>? Curves = null,
    IReadOnlyList<LayerConservation>? ThroughTheNetwork = null,
    StrategyReport? Strategies = null,
    IReadOnlyList<MetaConsistency>? MetaEvaluation = null,
    int? WithoutTarget = null,
    ConceptAtlas? Concepts = null);

/// <summary>A mean with its 95 % bootstrap interval (1000 resamples, seeded from the job).</summary>
public sealed record Interval(double Mean, double Low, double High);

/// <summary>Whether every gate held, and the words for each that did not.</summary>
public sealed record GateVerdict(bool Passed, IReadOnlyList<string> Failures);
