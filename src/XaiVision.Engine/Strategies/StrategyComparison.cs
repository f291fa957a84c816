namespace XaiVision.Engine.Strategies;

/// <summary>
/// How one run's strategies became another's, per method and class present in both: clusters matched by their mean maps
/// (<see cref="ClusterMatching"/>), the new ones (only in the candidate) and the vanished ones (only in the baseline) called out, and the
/// share of maps in flagged clusters before and after.
/// </summary>
public static class StrategyComparison
{
    public sealed record Change(string Method, string Class, IReadOnlyList<ClusterMatching.Pair> Matched, IReadOnlyList<StrategyCluster> New,
        IReadOnlyList<StrategyCluster> Vanished, double BaselineFlaggedShare, double CandidateFlaggedShare);

    public static IReadOnlyList<Change> Compare(IReadOnlyList<StrategyGroup> baseline, IReadOnlyList<StrategyGroup> candidate)
    {
        var before = baseline.ToDictionary(g => (g.Summary.Method, g.Summary.Class));
        return candidate.Where(g => before.ContainsKey((g.Summary.Method, g.Summary.Class))).Select(after =>
        {
            var old = before[(after.Summary.Method, after.Summary.Class)];
            var match = ClusterMatching.Match(old.MeanMaps, after.MeanMaps);
            // Pairs name clusters by their ids (1-based), as the report does.
            var pairs = match.Matched.Select(p => p with { Baseline = p.Baseline + 1, Candidate = p.Candidate + 1 }).ToList();
            return new Change(after.Summary.Method, after.Summary.Class, pairs, match.New.Select(i => after.Summary.Clusters[i]).ToList(),
                match.Vanished.Select(i => old.Summary.Clusters[i]).ToList(), FlaggedShare(old), FlaggedShare(after));
        }).ToList();
    }

    static double FlaggedShare(StrategyGroup g) => g.Summary.Clusters.Where(c => c.Flagged).Sum(c => c.Share);
}
