using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Quantus's patches (region-perturbation, selectivity): the image padded to a multiple of <c>size</c> on each side (the extra split
/// floor/ceil between the two ends, <c>utils.get_padding_size</c>), cut into size×size blocks in row-major order; a block's relevance
/// is the sum of the map over its pixels inside the image (the padding counts zero), and removing it replaces those pixels.
/// </summary>
internal sealed class PatchGrid
{
    public int Count { get; }

    /// <summary>Each pixel's patch, [H·W].</summary>
    public Tensor PixelPatch { get; }

    public PatchGrid(long height, long width, int size)
    {
        long padTop = Pad(height, size), padLeft = Pad(width, size);
        long across = (width + (width % size == 0 ? 0 : size - width % size)) / size;
        long down = (height + (height % size == 0 ? 0 : size - height % size)) / size;
        Count = (int)(across * down);
        var ids = new long[height * width];
        for (long y = 0; y < height; y++)
            for (long x = 0; x < width; x++) ids[y * width + x] = (y + padTop) / size * across + (x + padLeft) / size;
        PixelPatch = tensor(ids);
    }

    static long Pad(long dim, int size) => dim % size == 0 ? 0 : (size - dim % size) / 2;

    /// <summary>Each patch's relevance, [N, patches].</summary>
    public Tensor Sums(Tensor maps) =>
        zeros(maps.shape[0], Count, dtype: maps.dtype, device: maps.device).index_add_(1, PixelPatch.to(maps.device), maps.reshape(maps.shape[0], -1), 1);

    /// <summary>Each pixel's patch's rank, [N, H·W], from the patches' ranks [N, patches].</summary>
    public Tensor PixelRanks(Tensor patchRanks) => patchRanks.index_select(1, PixelPatch.to(patchRanks.device));
}
