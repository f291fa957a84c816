using static TorchSharp.torch;

namespace XaiVision.Engine.Suites;

/// <summary>
/// The rows a suite batch explains: one per (image, target class), image-major then rank-minor — image 0's first target, its
/// second, …, then image 1's. Built once from the chosen targets, and the only place that order is written: the runner's maps,
/// metrics and perturbations and the shared pass's per-rank backwards all index through it. An image may have no row (a multi-label
/// image without a positive label).
/// </summary>
public sealed class TargetRows
{
    public readonly record struct Row(int Image, long Class, int Rank);

    public TargetRows(long[][] targets)
    {
        Targets = targets;
        Rows = targets.SelectMany((classes, image) => classes.Select((c, rank) => new Row(image, c, rank))).ToList();
        Ranks = targets.Length == 0 ? 0 : targets.Max(t => t.Length);
    }

    /// <summary>Per image, its target classes, most important first.</summary>
    public long[][] Targets { get; }

    public IReadOnlyList<Row> Rows { get; }

    public int Count => Rows.Count;

    /// <summary>The most targets any image has.</summary>
    public int Ranks { get; }

    /// <summary>The rows' classes [rows], on <paramref name="device"/>.</summary>
    public Tensor Classes(Device device) => tensor(Rows.Select(r => r.Class).ToArray(), device: device);

    /// <summary>Whether every image has exactly one row (rows and images are then the same).</summary>
    public bool OnePerImage => Targets.All(t => t.Length == 1);

    /// <summary>A per-image tensor's slices [images, …] repeated per row [rows, …] (itself when every image has one row).</summary>
    public Tensor PerRow(Tensor perImage) =>
        OnePerImage ? perImage : perImage.index_select(0, tensor(Rows.Select(r => (long)r.Image).ToArray(), device: perImage.device));

    /// <summary>A per-image list's items per row.</summary>
    public List<T> PerRow<T>(IReadOnlyList<T> perImage) => Rows.Select(r => perImage[r.Image]).ToList();

    /// <summary>The rows of one image, in rank order.</summary>
    public IEnumerable<int> RowsOf(int image) => Enumerable.Range(0, Count).Where(r => Rows[r].Image == image);

    /// <summary>The images that have a target at <paramref name="rank"/>, in order (one backward pass of the shared pass).</summary>
    public int[] ImagesAt(int rank) => Enumerable.Range(0, Targets.Length).Where(i => Targets[i].Length > rank).ToArray();

    /// <summary>
    /// Where each row sits when rows are laid out rank by rank (all first targets, then all second …, as <see cref="ImagesAt"/> gives
    /// them): index_select with it turns rank-major results into row order.
    /// </summary>
    public long[] FromRankMajor()
    {
        var position = new Dictionary<(int Image, int Rank), long>();
        long next = 0;
        for (int rank = 0; rank < Ranks; rank++)
            foreach (var image in ImagesAt(rank)) position[(image, rank)] = next++;
        return Rows.Select(r => position[(r.Image, r.Rank)]).ToArray();
    }
}
