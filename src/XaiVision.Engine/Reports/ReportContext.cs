using XaiVision.Engine.MetaEvaluation;
using XaiVision.Engine.Strategies;

namespace XaiVision.Engine.Reports;

/// <summary>
/// What a report knows beyond its records, given once when it is written: the job, where its report goes (<c>container/prefix</c>; the
/// trend links earlier runs relative to it), its series' earlier runs, a stored baseline run's strategies and concepts to match its own with, and the
/// meta-evaluation of its metrics (pooled from the shards' samples).
/// </summary>
public sealed record ReportContext(Guid JobId = default, string? Location = null, SeriesHistory? History = null,
    IReadOnlyList<StrategyGroup>? BaselineStrategies = null, IReadOnlyList<MetaConsistency>? MetaEvaluation = null, ConceptAtlas? BaselineConcepts = null)
{
    /// <summary>A report of records alone (<c>explain</c>, tests).</summary>
    public static ReportContext None { get; } = new();
}
