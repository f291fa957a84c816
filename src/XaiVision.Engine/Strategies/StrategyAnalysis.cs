namespace XaiVision.Engine.Strategies;

/// <summary>
/// SpRAy for one (method, class): the sampled maps clustered (<see cref="SpectralClustering"/>), each cluster's mean map, layout and
/// flag (<see cref="OffObjectFlag"/>) and its most typical images; the class atlas (mean, spread, centres of mass).
/// </summary>
public static class StrategyAnalysis
{
    const int Examples = 4;

    /// <summary>One analysed map: the image's record name, its thumbnail, the mask's coverage (if any).</summary>
    public sealed record Sample(string Image, float[] Thumbnail, float[]? Coverage);

    public static StrategyGroup Analyse(string method, string className, int images, IReadOnlyList<Sample> samples, StrategyOptions options, long seed)
    {
        var distributions = samples.Select(s => RelevanceLayout.Normalise(s.Thumbnail)).ToList();
        var result = SpectralClustering.Cluster(distributions, seed, options.MaxClusters, options.Neighbours);
        int cells = distributions[0].Length;
        var layouts = distributions.Select((d, i) => RelevanceLayout.Of(d, samples[i].Coverage)).ToList();
        var means = new List<float[]>();
        var clusters = new List<StrategyCluster>();
        for (int c = 0; c < result.Clusters; c++)
        {
            var members = Enumerable.Range(0, samples.Count).Where(i => result.Labels[i] == c).ToList();
            var mean = Mean(members.Select(i => distributions[i]), cells);
            means.Add(mean);
            var layout = RelevanceLayout.Of(mean) with
            {
                OffObject = AverageOf(members.Select(i => layouts[i].OffObject)),
                ObjectArea = AverageOf(members.Select(i => layouts[i].ObjectArea)),
            };
            var reason = OffObjectFlag.Reason(layout);
            var typical = members.OrderByDescending(i => ClusterMatching.Cosine(distributions[i], mean)).ThenBy(i => i).Take(Examples).Select(i => samples[i].Image).ToList();
            clusters.Add(new StrategyCluster(c + 1, members.Count, (double)members.Count / samples.Count, layout, reason is not null, reason, typical));
        }
        var atlasMean = Mean(distributions, cells);
        var spread = new float[cells];
        foreach (var d in distributions)
            for (int j = 0; j < cells; j++) spread[j] += (d[j] - atlasMean[j]) * (d[j] - atlasMean[j]);
        for (int j = 0; j < cells; j++) spread[j] = MathF.Sqrt(spread[j] / distributions.Count);
        var atlas = RelevanceLayout.Of(atlasMean) with
        {
            OffObject = AverageOf(layouts.Select(l => l.OffObject)),
            ObjectArea = AverageOf(layouts.Select(l => l.ObjectArea)),
        };
        var summary = new StrategySummary(method, className, images, samples.Count, result.Neighbours, result.Eigenvalues, clusters, atlas);
        var points = samples.Select((s, i) => new StrategyPoint(s.Image, result.Labels[i] + 1, result.Coordinates[i][0],
            result.Coordinates[i].Length > 1 ? result.Coordinates[i][1] : 0, layouts[i].CentreX, layouts[i].CentreY)).ToList();
        return new StrategyGroup(summary, options.Size, means, atlasMean, spread, points);
    }

    static float[] Mean(IEnumerable<float[]> maps, int cells)
    {
        var sum = new double[cells];
        int count = 0;
        foreach (var m in maps)
        {
            count++;
            for (int j = 0; j < cells; j++) sum[j] += m[j];
        }
        return sum.Select(s => (float)(s / Math.Max(count, 1))).ToArray();
    }

    static double? AverageOf(IEnumerable<double?> values)
    {
        var present = values.OfType<double>().ToList();
        return present.Count == 0 ? null : present.Average();
    }
}
