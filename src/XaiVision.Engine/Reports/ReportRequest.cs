using XaiVision.Engine.MetaEvaluation;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Strategies;

namespace XaiVision.Engine.Reports;

/// <summary>
/// What a report says about its audit besides the records: the model, the targets, the seed, the gates and the metrics that ran; and
/// whether (and how) it clusters the maps into strategies.
/// </summary>
public sealed record ReportRequest(string Model, string? Targets, long Seed, IReadOnlyList<GateRule> Gates, IReadOnlyList<IMetric> Metrics,
    StrategyOptions? Strategies = null, MetaEvaluationOptions? MetaEvaluation = null);
