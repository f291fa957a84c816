using XaiVision.Engine.Suites;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Suites;

public class TargetRowsTests
{
    // Image 0 has two targets, image 1 one, image 2 two: rows 0:(0,7) 1:(0,3) 2:(1,5) 3:(2,1) 4:(2,9).
    static readonly TargetRows Ragged = new([[7, 3], [5], [1, 9]]);

    [Fact]
    public void Rows_are_image_major_then_rank()
    {
        Assert.Equal([(0, 7L, 0), (0, 3L, 1), (1, 5L, 0), (2, 1L, 0), (2, 9L, 1)], Ragged.Rows.Select(r => (r.Image, r.Class, r.Rank)));
        Assert.Equal(2, Ragged.Ranks);
        Assert.Equal([3, 4], Ragged.RowsOf(2));
        Assert.Equal([0, 2], Ragged.ImagesAt(1));
    }

    [Fact]
    public void An_image_without_targets_has_no_rows_and_is_left_out_of_every_rank()
    {
        // A multi-label batch: image 1 has no positive label.
        var rows = new TargetRows([[4, 2], [], [6]]);
        Assert.Equal([(0, 4L), (0, 2L), (2, 6L)], rows.Rows.Select(r => (r.Image, r.Class)));
        Assert.Empty(rows.RowsOf(1));
        Assert.Equal([0, 2], rows.ImagesAt(0));
        Assert.Equal([0], rows.ImagesAt(1));
        using var perImage = arange(3);
        using var perRow = rows.PerRow(perImage);
        Assert.Equal([0L, 0, 2], perRow.data<long>().ToArray());
        Assert.Equal([0L, 2, 1], rows.FromRankMajor());
    }

    [Fact]
    public void Rank_major_results_come_back_in_row_order()
    {
        // The shared pass computes rank 0 for images 0, 1, 2, then rank 1 for images 0, 2: classes in that order.
        using var rankMajor = tensor(new long[] { 7, 5, 1, 3, 9 });
        using var order = tensor(Ragged.FromRankMajor());
        using var rows = rankMajor.index_select(0, order);
        Assert.Equal(Ragged.Rows.Select(r => r.Class), rows.data<long>().ToArray());
    }

    [Fact]
    public void Per_image_values_repeat_per_row()
    {
        using var perImage = tensor(new float[] { 10, 20, 30 });
        using var perRow = Ragged.PerRow(perImage);
        Assert.Equal([10f, 10, 20, 30, 30], perRow.data<float>().ToArray());
        Assert.Equal(["a", "a", "b", "c", "c"], Ragged.PerRow(["a", "b", "c"]));
        var single = new TargetRows([[1], [2]]);
        using var same = single.PerRow(perImage[..2]);
        Assert.Equal([10f, 20], same.data<float>().ToArray());
    }
}
