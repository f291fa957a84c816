using XaiVision.Engine.Strategies;

namespace XaiVision.Engine.Tests.Strategies;

/// <summary>Strategies followed from one run to the next on planted changes.</summary>
public sealed class ClusterMatchingTests
{
    static float[] Mean(int seed, double x, double y, double radius) =>
        RelevanceLayout.Normalise(PlantedMaps.Blob(new Random(seed), 16, x, y, radius, noise: 0.02));

    [Fact]
    public void A_kept_strategy_matches_a_vanished_one_and_a_new_one_are_called_out()
    {
        // Baseline: object, top-left tag. Candidate: object (slightly moved and in another order), bottom-right band.
        float[][] baseline = [Mean(1, 0.5, 0.5, 0.15), Mean(2, 0.06, 0.06, 0.04)];
        float[][] candidate = [Mean(3, 0.95, 0.9, 0.05), Mean(4, 0.52, 0.5, 0.15)];
        var result = ClusterMatching.Match(baseline, candidate);
        var pair = Assert.Single(result.Matched);
        Assert.Equal((0, 1), (pair.Baseline, pair.Candidate));
        Assert.True(pair.Similarity > 0.85, $"{pair.Similarity}");
        Assert.Equal([1], result.Vanished);
        Assert.Equal([0], result.New);
    }

    [Fact]
    public void The_same_strategies_in_another_order_all_match()
    {
        float[][] baseline = [Mean(1, 0.5, 0.5, 0.15), Mean(2, 0.06, 0.06, 0.04), Mean(5, 0.9, 0.1, 0.05)];
        var result = ClusterMatching.Match(baseline, [baseline[2], baseline[0], baseline[1]]);
        Assert.Equal([(0, 1), (1, 2), (2, 0)], result.Matched.Select(p => (p.Baseline, p.Candidate)));
        Assert.Empty(result.New);
        Assert.Empty(result.Vanished);
    }
}

/// <summary>Two runs' strategy reports compared: a tag strategy that appears after a retraining is called out as new and flagged.</summary>
public sealed class StrategyComparisonTests
{
    static StrategyGroup Group(int seed, bool withTags)
    {
        var random = new Random(seed);
        var samples = Enumerable.Range(0, 60).Select(i =>
        {
            bool tag = withTags && i % 3 == 0;
            // No masks here: the tag is flagged by its corner share, so it is drawn with little noise.
            var map = tag ? PlantedMaps.Blob(random, 16, 0.05, 0.05, 0.04, noise: 0.02) : PlantedMaps.Blob(random, 16, 0.5, 0.5, 0.12);
            return new StrategyAnalysis.Sample($"images/{i:D3}{(tag ? "_tag" : "")}", map, null);
        }).ToList();
        return StrategyAnalysis.Analyse("lrp-composite", "circle", samples.Count, samples, new StrategyOptions(16), seed);
    }

    [Fact]
    public void A_new_tag_strategy_is_called_out_and_the_kept_one_matched()
    {
        var before = Group(1, withTags: false);
        var after = Group(2, withTags: true);
        Assert.Single(before.Summary.Clusters);
        Assert.Equal(2, after.Summary.Clusters.Count);
        var change = Assert.Single(StrategyComparison.Compare([before], [after]));
        var kept = Assert.Single(change.Matched);
        Assert.Equal(1, kept.Baseline);
        Assert.False(after.Summary.Clusters[kept.Candidate - 1].Flagged);
        var added = Assert.Single(change.New);
        Assert.True(added.Flagged);
        Assert.Empty(change.Vanished);
        Assert.Equal(0, change.BaselineFlaggedShare);
        Assert.Equal(1.0 / 3, change.CandidateFlaggedShare, 6);
        // Backwards: the tag strategy vanished.
        Assert.True(Assert.Single(StrategyComparison.Compare([after], [before])).Vanished.Single().Flagged);
    }
}
