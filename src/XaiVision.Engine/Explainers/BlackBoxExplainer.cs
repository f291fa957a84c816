using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Methods that only evaluate the model (no gradients, so they work on any model): K masks in [0, 1] (1 keeps a pixel,
/// 0 replaces it by the baseline — zero in normalised space, the mean colour), each image scored under every mask in batches of
/// <c>batch</c> rows, and the scores combined into a map — the one step a subclass overrides with its masks. Cost: K forward
/// passes per image (no backward).
/// </summary>
public abstract class BlackBoxExplainer(int batch) : IExplainer
{
    public abstract string Name { get; }

    /// <summary>Forward passes only: logit differences averaged over many masks survive bf16 (README "Reduced precision").</summary>
    public bool KeepsMapInBFloat16 => true;

    public abstract IReadOnlyDictionary<string, string> Describe(ExplainableModel model);

    /// <summary>The perturbations: masks [K, H, W] with values in [0, 1], seeded where random.</summary>
    protected abstract Tensor Masks(long height, long width, long seed);

    /// <summary>The target's score under a perturbation (default: the pre-softmax logit, our target convention).</summary>
    protected virtual Tensor Score(Tensor logits, Tensor targets) => logits.gather(1, targets.unsqueeze(1)).squeeze(1);

    /// <summary>Maps [N, H, W] from the unperturbed scores [N], the scores under every mask [N, K] and the masks [K, H, W].</summary>
    protected abstract Tensor Combine(Tensor reference, Tensor scores, Tensor masks, long channels);

    public Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long n = images.shape[0], channels = images.shape[1];
        var masks = Masks(images.shape[2], images.shape[3], seed).to(images.device).to(images.dtype);
        long k = masks.shape[0];
        var reference = Score(model.Forward(images), targets).to(ScalarType.Float32);
        var scores = empty(n, k, dtype: ScalarType.Float32, device: images.device);
        for (long image = 0; image < n; image++)
        {
            var x = images[image].unsqueeze(0);
            var target = targets[image].view(1);
            for (long start = 0; start < k; start += batch)
            {
                using var chunk = NewDisposeScope();
                long count = Math.Min(batch, k - start);
                var m = masks.narrow(0, start, count).unsqueeze(1);
                scores[image].narrow(0, start, count).copy_(Score(model.Forward(x * m), target.expand(count)).to(ScalarType.Float32));
            }
        }
        return Combine(reference, scores, masks.to(ScalarType.Float32), channels).MoveToOuterDisposeScope();
    }
}
