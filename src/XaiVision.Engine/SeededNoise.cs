using static TorchSharp.torch;

namespace XaiVision.Engine;

/// <summary>
/// Seeded noise, drawn on the CPU (so results match across devices) for one image and repeated for every
/// image in the batch. An image's result therefore depends on the seed and the image only — not on which
/// shard or batch it landed in, nor on an out-of-memory split. Shape: <c>[images, ..perImage]</c>.
/// </summary>
public static class SeededNoise
{
    public static Tensor Uniform(long seed, long images, long[] perImage, Device device) => Draw(seed, images, perImage, device, normal: false);

    public static Tensor Normal(long seed, long images, long[] perImage, Device device) => Draw(seed, images, perImage, device, normal: true);

    /// <summary>N(0, 1) noise for <paramref name="samples"/> copies of every image, [N · samples, C, H, W] in the images' type (row = image · samples + sample).</summary>
    public static Tensor NormalCopies(long seed, Tensor images, int samples) =>
        Normal(seed, images.shape[0], [samples, images.shape[1], images.shape[2], images.shape[3]], images.device)
            .view(images.shape[0] * samples, images.shape[1], images.shape[2], images.shape[3]).to(images.dtype);

    static Tensor Draw(long seed, long images, long[] perImage, Device device, bool normal)
    {
        using var scope = NewDisposeScope(); // the draw, its copy on the device and the expanded view are freed here
        using var generator = new Generator((ulong)seed);
        long[] one = [1, .. perImage];
        var draw = normal ? randn(one, generator: generator) : rand(one, generator: generator);
        return draw.to(device).expand([images, .. perImage]).contiguous().MoveToOuterDisposeScope();
    }
}
