using XaiVision.Engine.Strategies;

namespace XaiVision.Engine.Tests.Strategies;

public sealed class AdjustedRandIndexTests
{
    [Fact]
    public void Equal_partitions_score_one_whatever_the_labels() =>
        Assert.Equal(1.0, AdjustedRandIndex.Of(new[] { 0, 0, 1, 1, 2 }, new[] { "b", "b", "a", "a", "c" }));

    [Fact]
    public void Matches_the_textbook_values()
    {
        // scikit-learn's documented examples: ([0,0,1,1],[0,0,1,2]) → 0.5714…, ([0,0,0,1,1,1],[0,0,1,1,2,2]) → 0.2424…
        Assert.Equal(0.571428571, AdjustedRandIndex.Of(new[] { 0, 0, 1, 1 }, new[] { 0, 0, 1, 2 }), 6);
        Assert.Equal(0.242424242, AdjustedRandIndex.Of(new[] { 0, 0, 0, 1, 1, 1 }, new[] { 0, 0, 1, 1, 2, 2 }), 6);
        // Every item in its own cluster against one cluster: no agreement beyond chance.
        Assert.Equal(0.0, AdjustedRandIndex.Of(new[] { 0, 0, 0, 0 }, new[] { 0, 1, 2, 3 }), 9);
    }
}
