using XaiVision.Engine.Strategies;

namespace XaiVision.Engine.Tests.Strategies;

/// <summary>Where relevance sits, computed by hand, and when a strategy is flagged.</summary>
public sealed class RelevanceLayoutTests
{
    [Fact]
    public void A_point_in_the_top_left_cell_is_all_corner()
    {
        var map = new float[32 * 32];
        map[0] = 1;
        var layout = RelevanceLayout.Of(map);
        Assert.Equal(0.5 / 32, layout.CentreX, 12);
        Assert.Equal(0.5 / 32, layout.CentreY, 12);
        Assert.Equal(1, layout.Corners["top-left"], 12);
        Assert.Equal(1, layout.Bands["top"], 12);
        Assert.Equal(1, layout.Bands["left"], 12);
        Assert.Equal(0, layout.Bands["right"], 12);
        Assert.Contains("top-left corner", OffObjectFlag.Reason(layout));
    }

    [Fact]
    public void Uniform_relevance_spreads_by_area_and_is_not_flagged()
    {
        var layout = RelevanceLayout.Of(RelevanceLayout.Normalise(Enumerable.Repeat(3f, 32 * 32).ToArray()));
        Assert.Equal(0.5, layout.CentreX, 6);
        Assert.Equal(0.5, layout.CentreY, 6);
        Assert.All(layout.Bands.Values, v => Assert.Equal(0.125, v, 6));
        Assert.All(layout.Corners.Values, v => Assert.Equal(1.0 / 64, v, 6));
        Assert.Null(OffObjectFlag.Reason(layout));
    }

    [Fact]
    public void With_a_mask_off_object_share_and_density_decide()
    {
        // Object = left half. Relevance 70 % on the right half: denser off the object → flagged; 30 % → not.
        var coverage = Enumerable.Range(0, 16 * 16).Select(i => i % 16 < 8 ? 1f : 0f).ToArray();
        float[] Split(float right) => Enumerable.Range(0, 256).Select(i => i % 16 < 8 ? (1 - right) / 128 : right / 128).ToArray();
        var off = RelevanceLayout.Of(Split(0.7f), coverage);
        Assert.Equal(0.7, off.OffObject!.Value, 5);
        Assert.Equal(0.5, off.ObjectArea!.Value, 9);
        Assert.NotNull(OffObjectFlag.Reason(off));
        Assert.Null(OffObjectFlag.Reason(RelevanceLayout.Of(Split(0.3f), coverage)));
    }

    [Fact]
    public void A_map_without_positive_relevance_normalises_to_uniform() =>
        Assert.All(RelevanceLayout.Normalise([-1f, -2f, 0f, -3f]), v => Assert.Equal(0.25f, v));
}
