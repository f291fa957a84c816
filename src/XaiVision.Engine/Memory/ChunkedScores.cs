using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Memory;

/// <summary>
/// The loop every perturbation metric (and Score-CAM, Ablation-CAM) shares: <paramref name="rows"/> perturbed inputs, built a chunk of
/// at most <paramref name="maxBatch"/> at a time (fewer where the host cannot hold them: <see cref="RowLimit"/>), each scored by the target's probability under the model's head (or logit).
/// </summary>
internal static class ChunkedScores
{
    /// <param name="build">row indices → (inputs, target classes) for that chunk.</param>
    /// <param name="pixels">pixels of one input (H·W), for the row limit.</param>
    /// <returns>scores [rows] on the model's device.</returns>
    public static Tensor Run(ExplainableModel model, long rows, int maxBatch, long pixels, Device device, Func<Tensor, (Tensor Input, Tensor Targets)> build, bool probability) =>
        Run(model, rows, maxBatch, pixels, device, build, (output, targets) =>
            (probability ? model.Probabilities(output) : output).gather(1, targets.view(-1, 1)).view(-1));

    /// <param name="score">(outputs [rows, classes], targets [rows]) → one score per row (ROAD: 1 where the target is still predicted).</param>
    public static Tensor Run(ExplainableModel model, long rows, int maxBatch, long pixels, Device device, Func<Tensor, (Tensor Input, Tensor Targets)> build,
        Func<Tensor, Tensor, Tensor> score)
    {
        using var _ = no_grad();
        maxBatch = RowLimit.Rows(model, maxBatch, pixels, backward: false);
        var scores = empty(rows, device: device);
        for (long first = 0; first < rows; first += maxBatch)
        {
            using var chunk = NewDisposeScope();
            var row = arange(first, Math.Min(rows, first + maxBatch), device: device);
            var (input, targets) = build(row);
            scores.index_copy_(0, row, score(model.Forward(input), targets).to(scores.dtype));
        }
        return scores;
    }
}
