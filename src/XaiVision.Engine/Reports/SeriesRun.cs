using XaiVision.Engine.Strategies;

namespace XaiVision.Engine.Reports;

/// <summary>
/// One run of a named series (a scheduled regression audit): when it finished, where its report is, its verdict, its metric means per
/// method and the share of each method's analysed maps that fell in flagged strategy clusters — a row of the report's trend.
/// </summary>
public sealed record SeriesRun(Guid JobId, DateTimeOffset Finished, string Report, int Images, bool GatesPassed,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Metrics, IReadOnlyDictionary<string, double> FlaggedShare)
{
    public static SeriesRun Of(Guid jobId, DateTimeOffset finished, string report, JobReport r) =>
        new(jobId, finished, report, r.Images, r.Gates.Passed, r.Metrics, FlaggedShares(r.Strategies));

    /// <summary>Per method: maps in flagged clusters over maps analysed, all classes together.</summary>
    public static IReadOnlyDictionary<string, double> FlaggedShares(StrategyReport? strategies) =>
        (strategies?.Groups ?? []).GroupBy(g => g.Method).ToDictionary(m => m.Key,
            m => (double)m.Sum(g => g.Clusters.Where(c => c.Flagged).Sum(c => c.Size)) / Math.Max(1, m.Sum(g => g.Analysed)));
}

/// <summary><c>history/&lt;series&gt;.json</c> in the jobs container: every finished run of a series, oldest first.</summary>
public sealed record SeriesHistory(string Series, IReadOnlyList<SeriesRun> Runs);
