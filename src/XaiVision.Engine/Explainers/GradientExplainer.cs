using XaiVision.Engine.Memory;
using XaiVision.Engine.Models;
using XaiVision.Engine.Native;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Pixel-space gradient methods: one forward/backward per (internal) batch, d(target logit)/d(input).
/// Subclasses say what to do with the gradient; maps are per channel, then reduced over colour
/// channels (DESIGN.md conventions).
/// </summary>
public abstract class GradientExplainer : IExplainer
{
    public abstract string Name { get; }

    public virtual IReadOnlyDictionary<string, string> Describe(ExplainableModel model) => new Dictionary<string, string>();

    public abstract Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed);

    /// <summary>∂ logit[target_i] / ∂ inputs_i for every row, in one pass.</summary>
    protected static Tensor InputGradients(ExplainableModel model, Tensor inputs, Tensor targets)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var x = inputs.detach().requires_grad_(true);
        var logits = model.Forward(x);
        var gradients = Backward.Grad([TargetScores.Sum(logits, targets)], [x])[0];
        return gradients.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs <paramref name="rows"/> = N × <paramref name="perImage"/> gradient evaluations in
    /// chunks of at most <paramref name="maxBatch"/> rows (fewer where the host cannot hold them: <see cref="RowLimit"/>). <paramref name="makeInputs"/> builds the
    /// inputs for (image indices, sample indices); <paramref name="reduce"/> folds each chunk's
    /// gradients into the per-image accumulator with index_add.
    /// </summary>
    /// <param name="folds">how many images' worth of channels <paramref name="reduce"/> returns per row (a quantity and its square: 2).</param>
    protected static Tensor AccumulateGradients(ExplainableModel model, Tensor images, Tensor targets, int perImage, int maxBatch,
        Func<Tensor, Tensor, Tensor> makeInputs, Func<Tensor, Tensor, Tensor, Tensor> reduce, int folds = 1)
    {
        using var scope = NewDisposeScope();
        long n = images.shape[0];
        long rows = n * perImage;
        maxBatch = RowLimit.Rows(model, maxBatch, images.shape[2] * images.shape[3], backward: true);
        var accumulator = folds == 1 ? zeros_like(images) : zeros([n, images.shape[1] * folds, images.shape[2], images.shape[3]], images.dtype, images.device);
        for (long start = 0; start < rows; start += maxBatch)
        {
            using var chunkScope = NewDisposeScope();
            long end = Math.Min(rows, start + maxBatch);
            var row = arange(start, end, dtype: ScalarType.Int64, device: images.device);
            var imageIndex = row.div(perImage, rounding_mode: RoundingMode.floor);
            var sampleIndex = row.remainder(perImage);
            var inputs = makeInputs(imageIndex, sampleIndex);
            var gradients = InputGradients(model, inputs, targets.index_select(0, imageIndex));
            accumulator.index_add_(0, imageIndex, reduce(gradients, inputs, sampleIndex), 1);
        }
        return accumulator.MoveToOuterDisposeScope();
    }
}
