using XaiVision.Engine.Strategies;

namespace XaiVision.Engine.Reports;

/// <summary>
/// Concepts per strategy cluster: for a concept method's strategy group, each cluster's <see cref="Shown"/> channels of largest mean
/// share over its members' maps (the analysed sample's records, already kept for the cluster's pictures: no extra memory), how
/// consistently each is among a map's three most relevant, and its share on the object. Groups of other methods are left as they are.
/// </summary>
static class ClusterConcepts
{
    public const int Shown = 3;

    public static StrategyGroup With(StrategyGroup group, Func<string, ImageRecord?> record)
    {
        var method = group.Summary.Method;
        var members = group.Points.Select(p => (p.Cluster, Concepts: record(p.Image)?.Explanations.FirstOrDefault(e => e.Method == method)?.Concepts))
            .Where(m => m.Concepts is not null).ToList();
        if (members.Count == 0) return group;
        var clusters = group.Summary.Clusters.Select(cluster =>
        {
            var maps = members.Where(m => m.Cluster == cluster.Id).Select(m => m.Concepts!).ToList();
            if (maps.Count == 0) return cluster;
            var concepts = maps.SelectMany(c => c.Top.Select((share, rank) => (share, rank))).GroupBy(x => x.share.Channel)
                .Select(g => new ClusterConcept(g.Key, g.Sum(x => (double)x.share.Share) / maps.Count,
                    g.Count(x => x.rank < Explainers.ConceptShares.Located) / (double)maps.Count,
                    Means.OfPresent(g.Select(x => (double?)x.share.OnObject))))
                .OrderByDescending(c => c.MeanShare).ThenBy(c => c.Channel).Take(Shown).ToList();
            return cluster with { Concepts = concepts };
        }).ToList();
        return group with { Summary = group.Summary with { Clusters = clusters } };
    }
}
