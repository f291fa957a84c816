using XaiVision.Engine.Memory;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// The shared engine of deletion, insertion and MoRF/LeRF pixel flipping: regions (r×r squares;
/// r = 1 for pixels) are ranked by summed relevance and moved from <c>start</c> to <c>finish</c>
/// a step at a time; the curve is the probability of each image's target after each step
/// (the untouched start included). Every step of every image runs through the model in chunks of
/// at most <c>maxBatch</c> rows.
/// </summary>
public static class PixelFlipCurve
{
    public static float[][] Evaluate(ExplainableModel model, Tensor start, Tensor finish, Tensor maps, Tensor targets,
        int regionSize, bool mostRelevantFirst, int steps, int maxBatch)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long n = start.shape[0], h = start.shape[2], w = start.shape[3];
        // region relevance: sum over r×r squares (the last row/column of squares may be partial)
        var regionMaps = regionSize == 1
            ? maps.to(ScalarType.Float64)
            : nn.functional.avg_pool2d(maps.unsqueeze(1).to(ScalarType.Float64), regionSize, regionSize, ceil_mode: true).squeeze(1);
        long rh = regionMaps.shape[1], rw = regionMaps.shape[2], regions = rh * rw;
        var sortKey = mostRelevantFirst ? regionMaps.reshape(n, regions).neg() : regionMaps.reshape(n, regions);
        var order = sortKey.sort(dim: 1, stable: true).Indices;
        var regionRank = empty_like(order).scatter_(1, order, arange(regions, device: start.device).expand(n, regions));
        // every pixel takes its region's rank
        var rank = regionRank.view(n, rh, 1, rw, 1).expand(n, rh, regionSize, rw, regionSize).reshape(n, rh * regionSize, rw * regionSize)
            [.., ..(int)h, ..(int)w];

        long step = (regions + steps - 1) / steps;
        int evaluations = (int)((regions + step - 1) / step) + 1;
        var scores = ChunkedScores.Run(model, n * evaluations, maxBatch, h * w, start.device, row =>
        {
            var image = row.div(evaluations, rounding_mode: RoundingMode.floor);
            var moved = (row.remainder(evaluations) * step).view(-1, 1, 1);
            var done = rank.index_select(0, image).lt(moved).unsqueeze(1);
            return (where(done, finish.index_select(0, image), start.index_select(0, image)), targets.index_select(0, image));
        }, probability: true);
        var host = scores.cpu().data<float>().ToArray();
        return Enumerable.Range(0, (int)n).Select(i => host.AsSpan(i * evaluations, evaluations).ToArray()).ToArray();
    }
}
