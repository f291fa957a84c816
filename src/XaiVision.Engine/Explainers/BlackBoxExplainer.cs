using System.Diagnostics;
using XaiVision.Engine.Memory;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Methods that only evaluate the model (no gradients, so they work on any model): K masks in [0, 1] (1 keeps a pixel,
/// 0 replaces it by the baseline — zero in normalised space, the mean colour), each image scored under every mask, and the map
/// built as a weighted sum over the masks: map = Finish(Σ_k w_k · F(M_k), Σ_k F(M_k)), with the weights w from the scores and
/// F a mask's footprint — the steps a subclass overrides. Masks are made, scored and summed a chunk at a time
/// (<see cref="MaskChunkBytes"/>), and forwards hold at most <see cref="RowLimit"/> rows, so memory stays bounded however many masks
/// are asked for; every forward checks the run's stop signal and each chunk the pace (<see cref="Interruption"/>).
/// Cost: K forward passes per image (no backward).
/// </summary>
public abstract class BlackBoxExplainer(int batch) : IExplainer
{
    /// <summary>The most one chunk of masks (and what is made on the way to them) may take.</summary>
    public const long MaskChunkBytes = 64L << 20;

    public abstract string Name { get; }

    /// <summary>Forward passes only: logit differences averaged over many masks survive bf16 (README "Reduced precision").</summary>
    public bool KeepsMapInBFloat16 => true;

    public abstract IReadOnlyDictionary<string, string> Describe(ExplainableModel model);

    /// <summary>How many masks an input of this size gets.</summary>
    public abstract long MaskCount(long height, long width);

    /// <summary>Bytes of float32 the making of one mask takes at its peak (the mask itself, at least).</summary>
    protected virtual long BytesPerMask(long height, long width) => 4 * height * width;

    /// <summary>Masks <paramref name="first"/> … first + count − 1, [count, H, W] with values in [0, 1], seeded where random: the same
    /// mask whatever chunk it is made in.</summary>
    protected abstract Tensor Masks(long height, long width, long seed, long first, long count);

    /// <summary>The target's score under a perturbation (default: the pre-softmax logit, our target convention).</summary>
    protected virtual Tensor Score(ExplainableModel model, Tensor logits, Tensor targets) => logits.gather(1, targets.unsqueeze(1)).squeeze(1);

    /// <summary>Each mask's weight in the sum, [N, K], from the unperturbed scores [N] and the scores under the masks [N, K].</summary>
    protected abstract Tensor Weights(Tensor reference, Tensor scores);

    /// <summary>What a mask credits, [K, H, W] (default: the mask itself).</summary>
    protected virtual Tensor Footprint(Tensor masks) => masks;

    /// <summary>Maps [N, H·W] from Σ_k w_k F(M_k) [N, H·W], Σ_k F(M_k) [H·W], the mask count and the colour channels.</summary>
    protected abstract Tensor Finish(Tensor weighted, Tensor coverage, long masks, long channels);

    /// <summary>How many masks one chunk holds for an input of this size.</summary>
    public long MasksPerChunk(long height, long width) =>
        Math.Clamp(MaskChunkBytes / Math.Max(1, BytesPerMask(height, width)), 1, Math.Max(1, MaskCount(height, width)));

    public Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long n = images.shape[0], channels = images.shape[1], height = images.shape[2], width = images.shape[3];
        long k = MaskCount(height, width), perChunk = MasksPerChunk(height, width);
        // A row is an image under a mask: 3·H·W input plus the model's activations.
        long rows = Math.Min(perChunk, RowLimit.Rows(model, batch, height * width, backward: false));
        var reference = Score(model, model.Forward(images), targets).to(ScalarType.Float32);
        var weighted = zeros(n, height * width, dtype: ScalarType.Float32, device: images.device);
        var coverage = zeros(height * width, dtype: ScalarType.Float32, device: images.device);
        var watch = Stopwatch.StartNew();
        for (long first = 0; first < k; first += perChunk)
        {
            using var chunk = NewDisposeScope();
            long count = Math.Min(perChunk, k - first);
            var masks = Masks(height, width, seed, first, count).to(images.device);
            var scores = Scores(model, images, targets, masks.to(images.dtype), rows,
                done => Interruption.CheckPace($"{Name} on {n} image(s)", first * n + done, k * n, watch.Elapsed));
            var footprint = Footprint(masks.to(ScalarType.Float32)).flatten(1);
            weighted.add_(matmul(Weights(reference, scores), footprint));
            coverage.add_(footprint.sum(dim: 0));
        }
        return Finish(weighted, coverage, k, channels).view(-1, height, width).MoveToOuterDisposeScope();
    }

    /// <summary>Scores [N, K] of every image under every mask of the chunk, at most <paramref name="rows"/> per forward; after each,
    /// <paramref name="scored"/> is told how many of the chunk's N·K are done.</summary>
    Tensor Scores(ExplainableModel model, Tensor images, Tensor targets, Tensor masks, long rows, Action<long> scored)
    {
        long n = images.shape[0], k = masks.shape[0];
        var scores = empty(n, k, dtype: ScalarType.Float32, device: images.device);
        for (long image = 0; image < n; image++)
        {
            var x = images[image].unsqueeze(0);
            var target = targets[image].view(1);
            for (long start = 0; start < k; start += rows)
            {
                using var pass = NewDisposeScope();
                long count = Math.Min(rows, k - start);
                var m = masks.narrow(0, start, count).unsqueeze(1);
                scores[image].narrow(0, start, count).copy_(Score(model, model.Forward(x * m), target.expand(count)).to(ScalarType.Float32));
                scored(image * k + start + count);
            }
        }
        return scores;
    }
}
