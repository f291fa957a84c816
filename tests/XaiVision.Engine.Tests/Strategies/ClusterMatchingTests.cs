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
