using XaiVision.Engine.Strategies;

namespace XaiVision.Engine.Tests.Strategies;

public sealed class MapThumbnailTests
{
    [Fact]
    public void Averages_the_positive_part_over_cells_and_scales_to_one()
    {
        // 4×4 → 2×2: each cell the mean of its 2×2 block, negatives counted as 0.
        float[] map = [1, 3, 0, 0,
                       0, 0, 0, -8,
                       2, 2, 4, 4,
                       2, 2, 4, 4];
        var cells = MapThumbnail.Downsample(map, 4, 4, 2);
        Assert.Equal([0.25f, 0f, 0.5f, 1f], cells);
    }

    [Fact]
    public void Frames_of_any_shape_fill_every_cell()
    {
        var map = Enumerable.Range(0, 3 * 5).Select(i => (float)i).ToArray();
        var cells = MapThumbnail.Downsample(map, 3, 5, 8);
        Assert.Equal(64, cells.Length);
        Assert.Equal(1f, cells.Max());
        Assert.Equal(0f, cells[0]);
        var coverage = MapThumbnail.Coverage(Enumerable.Range(0, 15).Select(i => i % 5 >= 3).ToArray(), 3, 5, 8);
        Assert.Equal(0f, coverage[0]);
        Assert.Equal(1f, coverage[7]);
    }

    [Fact]
    public void Survives_the_record_within_half_precision()
    {
        var random = new Random(1);
        var cells = Enumerable.Range(0, 32 * 32).Select(_ => (float)random.NextDouble()).ToArray();
        var encoded = MapThumbnail.Encode(cells);
        Assert.True(encoded.Length < 2800, $"{encoded.Length} characters");
        var decoded = MapThumbnail.Decode(encoded);
        Assert.All(cells.Zip(decoded), p => Assert.Equal(p.First, p.Second, 0.0005f));
        Assert.Equal(32, MapThumbnail.SizeOf(decoded.Length));
        var coverage = MapThumbnail.DecodeCoverage(MapThumbnail.EncodeCoverage([0f, 0.5f, 1f]));
        Assert.Equal([0f, 128 / 255f, 1f], coverage);
    }
}
