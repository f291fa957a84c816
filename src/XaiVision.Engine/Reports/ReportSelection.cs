namespace XaiVision.Engine.Reports;

/// <summary>
/// Which of a job's methods and metrics the report draws tables of pictures for — the one place for these rules, read by
/// <c>report.html</c>, its trend section and the archive layout's picture extraction (<see cref="ReportAccumulator.Shown"/>), so the
/// pictures extracted are the pictures shown. Pictures follow the first method; best and worst images are ranked by its first
/// <see cref="RankedMetrics"/> metrics in the report's order (by confidence when it has none); the layer-sweep strips by the first of
/// them that ranked a swept image.
/// </summary>
public sealed class ReportSelection
{
    /// <summary>Metrics with best/worst tables and per-class columns.</summary>
    public const int RankedMetrics = 4;

    /// <summary>Metrics per method in the series trend.</summary>
    public const int TrendMetrics = 3;

    /// <summary>The ranking by the model's confidence in its prediction (no metric).</summary>
    public const string Confidence = "";

    internal ReportSelection(IReadOnlyList<string> methods, IReadOnlyList<string> metrics, Func<string, string, bool> rankedSwept)
    {
        Method = methods.Count > 0 ? methods[0] : null;
        Metrics = metrics.Take(RankedMetrics).ToList();
        RankedBy = Metrics.Count == 0 ? [Confidence] : Metrics;
        Trend = metrics.Take(TrendMetrics).ToList();
        SweepRankedBy = Method is null ? Confidence : metrics.FirstOrDefault(n => rankedSwept(Method, n)) ?? Confidence;
    }

    /// <summary>The method whose pictures the report shows (the first method), null for a job without explanations.</summary>
    public string? Method { get; }

    /// <summary>The metrics with best/worst tables and per-class columns (up to <see cref="RankedMetrics"/>, in the report's order).</summary>
    public IReadOnlyList<string> Metrics { get; }

    /// <summary><see cref="Metrics"/>, or <see cref="Confidence"/> alone when the job has none.</summary>
    public IReadOnlyList<string> RankedBy { get; }

    /// <summary>The metrics of the series trend.</summary>
    public IReadOnlyList<string> Trend { get; }

    /// <summary>What the layer-sweep strips are ranked by: the first metric that ranked a swept image, else <see cref="Confidence"/>.</summary>
    public string SweepRankedBy { get; }
}
