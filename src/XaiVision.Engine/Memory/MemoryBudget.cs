using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Memory;

/// <summary>
/// An upper bound on the memory one batch may need, checked before it runs. The need is estimated as
/// <c>images × (activation bytes of one forward pass) × BackwardFactor</c>: the activations of every leaf layer
/// of one image are measured once per model with forward hooks; a backward pass keeps them and adds gradients
/// of the same size. Used to cap memory on shared hosts, and in tests to cause the out-of-memory path on purpose.
/// </summary>
public sealed class MemoryBudget(long bytes)
{
    public const double BackwardFactor = 2.0;
    public long Bytes { get; } = bytes;

    readonly Dictionary<ExplainableModel, long> _perImage = new(ReferenceEqualityComparer.Instance);

    /// <summary>The estimate for <paramref name="images"/> images of <paramref name="pixels"/> pixels each (default: the input size's square; activations scale with it).</summary>
    public long EstimateBytes(ExplainableModel model, int images, long? pixels = null)
    {
        lock (_perImage)
        {
            if (!_perImage.TryGetValue(model, out var perImage)) _perImage[model] = perImage = MeasureActivationBytes(model);
            double scale = pixels is { } p ? p / (double)(model.Preprocessing.InputSize * model.Preprocessing.InputSize) : 1;
            return (long)(images * perImage * scale * BackwardFactor);
        }
    }

    public void Check(ExplainableModel model, int images, long? pixels = null)
    {
        var need = EstimateBytes(model, images, pixels);
        if (need > Bytes)
            throw new BatchOverBudgetException($"A batch of {images} needs about {need / 1048576.0:F1} MiB, over the memory budget of {Bytes / 1048576.0:F1} MiB.");
    }

    /// <summary>Bytes of every leaf layer's output for one image (plus the input).</summary>
    public static long MeasureActivationBytes(ExplainableModel model)
    {
        using var scope = NewDisposeScope();
        long total = 0;
        var handles = new List<Action>();
        try
        {
            foreach (var (_, leaf) in ModuleTree.Leaves(model.Network))
            {
                if (leaf is not nn.Module<Tensor, Tensor> module) continue;
                var hook = module.register_forward_hook((_, _, output) =>
                {
                    total += output.numel() * output.element_size();
                    return output;
                });
                handles.Add(hook.remove);
            }
            var size = model.Preprocessing.InputSize;
            using var _ = no_grad();
            var input = zeros(1, 3, size, size, device: model.Device);
            total += input.numel() * input.element_size();
            model.Forward(input);
        }
        finally
        {
            foreach (var remove in handles) remove();
        }
        return total;
    }
}
