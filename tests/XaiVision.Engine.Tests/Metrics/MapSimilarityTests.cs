using XaiVision.Engine.Metrics;

namespace XaiVision.Engine.Tests.Metrics;

public class MapSimilarityTests
{
    [Fact]
    public void Spearman_follows_rank_order_and_handles_ties()
    {
        float[] a = [1, 2, 3, 4, 5];
        Assert.Equal(1, MapSimilarity.Spearman(a, [10, 20, 30, 40, 500]), 12);
        Assert.Equal(-1, MapSimilarity.Spearman(a, [5, 4, 3, 2, 1]), 12);
        Assert.Equal(new[] { 1.5, 1.5, 3, 4.5, 4.5 }, MapSimilarity.Ranks([0, 0, 1, 2, 2]));
        // ranks (1.5,1.5,3,4.5,4.5) vs (1..5): Pearson worked by hand = 0.9486832981
        Assert.Equal(0.9486832981, MapSimilarity.Spearman([0, 0, 1, 2, 2], a), 9);
        Assert.Equal(1, MapSimilarity.Spearman([9, 1, 2, 3], [0, 1, 2, 3], [false, true, true, true]), 12);
    }

    [Fact]
    public void Ssim_is_one_for_equal_maps_and_low_for_opposite_ones()
    {
        var map = Enumerable.Range(0, 256).Select(i => MathF.Sin(i * 0.1f) + i / 256f).ToArray();
        Assert.Equal(1, MapSimilarity.Ssim(map, map, 16), 9);
        Assert.Equal(1, MapSimilarity.Ssim(map, map.Select(v => 3 * v + 1).ToArray(), 16), 9); // min–max scaled first
        Assert.True(MapSimilarity.Ssim(map, map.Select(v => -v).ToArray(), 16) < 0);
    }

    [Fact]
    public void Top_iou_counts_shared_top_pixels()
    {
        float[] a = [9, 8, 1, 1, 1, 1, 1, 1, 1, 1];
        float[] b = [9, 1, 8, 1, 1, 1, 1, 1, 1, 1];
        Assert.Equal(1.0 / 3, MapSimilarity.TopIou(a, b, 0.2), 12); // tops {0,1} and {0,2}
        Assert.Equal(1, MapSimilarity.TopIou(a, a, 0.2), 12);
    }
}
