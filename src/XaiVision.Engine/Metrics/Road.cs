using XaiVision.Engine.Memory;
using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// ROAD, RemOve And Debias (Rong et al. 2022, "A Consistent and Efficient Evaluation Strategy for Attribution Methods", ICML,
/// arXiv 2202.00449; Quantus <c>ROAD</c>): removing pixels by setting them to black puts the model out of distribution and lets the
/// shape of the removed region leak the answer, so ROAD fills them by <see cref="LinearImputation"/> plus noise instead. At
/// <c>steps</c> evenly spaced fractions <c>pₛ = (s + ½)/steps</c> of the pixels (Quantus's default 1 %, 3 %, …, 99 % is
/// <c>steps=50</c>; the count is ⌊H·W·pₛ⌋), the most relevant pixels (MoRF) or the least relevant (LeRF) are imputed, and the
/// image scores 1 where the model still predicts the explained class (<c>score=accuracy</c>, Quantus's) or the class's softmax
/// probability (<c>score=probability</c>). Outputs are means over the fractions: <c>road-morf</c> (lower is better),
/// <c>road-lerf</c> (higher is better), and with <c>order=both</c> <c>road</c> = mean of (LeRF − MoRF)/2 (higher is better;
/// pytorch-grad-cam's ROADCombined). Quantus 0.6's own ROAD fails on RGB images (it broadcasts the map over the channels, then
/// indexes the image's pixels with channel-pixel positions: IndexError); this is the paper's per-pixel protocol, which Quantus's
/// reference run follows (tools/quantus_reference.py). Noise is drawn per fraction from the job's seed, the same for every image.
/// Cost: <c>steps</c> forward passes per order and image, plus one imputation each (conjugate gradients, ~H + W stencil passes).
/// </summary>
public sealed class Road(int steps, Road.Order order, double noise, bool probability, int maxBatch) : IMetric
{
    public enum Order { Morf, Lerf, Both }

    public string Name => "road";
    public MetricCategory Category => MetricCategory.Faithfulness;
    public string Definition => "Whether the class is still predicted as the most (least) relevant pixels are imputed from their neighbours, not blacked out (Rong et al. 2022).";

    IEnumerable<(string Output, bool MostRelevantFirst)> Orders => order switch
    {
        Order.Morf => [("road-morf", true)],
        Order.Lerf => [("road-lerf", false)],
        _ => [("road-morf", true), ("road-lerf", false)],
    };

    public IReadOnlyDictionary<string, MetricDirection> Outputs
    {
        get
        {
            var outputs = Orders.ToDictionary(o => o.Output, o => o.MostRelevantFirst ? MetricDirection.LowerIsBetter : MetricDirection.HigherIsBetter);
            if (order == Order.Both) outputs[Name] = MetricDirection.HigherIsBetter;
            return outputs;
        }
    }

    public IReadOnlyDictionary<string, CurveAxis> Curves => Orders.ToDictionary(o => o.Output, o => new CurveAxis(
        $"{o.Output}: {(probability ? "probability of" : "still predicting")} the explained class as the {(o.MostRelevantFirst ? "most" : "least")} " +
        "relevant pixels are imputed (1 % … 99 %)", 0, 1));

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        var orders = Orders.ToList();
        long n = c.Images.shape[0], channels = c.Images.shape[1], h = c.Images.shape[2], w = c.Images.shape[3], pixels = h * w;
        int perImage = orders.Count * steps;
        var flat = c.Maps.reshape(n, -1).to(ScalarType.Float32).to(c.Images.device);
        var ranks = orders.Select(o => RegionRemoval.Ranks(flat, ascending: !o.MostRelevantFirst)).ToList();
        var counts = tensor(Enumerable.Range(0, steps).Select(s => pixels * (2L * s + 1) / (2L * steps)).ToArray(), device: c.Images.device);
        var scores = ChunkedScores.Run(c.Model, n * perImage, maxBatch, pixels, c.Images.device, row =>
        {
            var image = row.div(perImage, rounding_mode: RoundingMode.floor);
            var within = row.remainder(perImage);
            var orderOf = within.div(steps, rounding_mode: RoundingMode.floor);
            var step = within.remainder(steps);
            var rank = where(orderOf.eq(0).unsqueeze(1), ranks[0].index_select(0, image), ranks[^1].index_select(0, image));
            var removed = rank.lt(counts.index_select(0, step).unsqueeze(1)).view(-1, h, w);
            var draws = noise > 0 ? Noise(c.Seed, within, channels, h, w).to(c.Images.device) : null;
            return (LinearImputation.Impute(c.Images.index_select(0, image), removed, draws, noise), c.Targets.index_select(0, image));
        }, (output, targets) => probability
            ? c.Model.Probabilities(output).gather(1, targets.view(-1, 1)).view(-1)
            : output.argmax(1).eq(targets).to(ScalarType.Float32));
        var host = scores.cpu().to(ScalarType.Float32).data<float>().ToArray();
        return Enumerable.Range(0, (int)n).Select(i =>
        {
            var values = new Dictionary<string, double>();
            var curves = new Dictionary<string, MetricCurve>();
            for (int o = 0; o < orders.Count; o++)
            {
                var curve = host.AsSpan(i * perImage + o * steps, steps).ToArray();
                values[orders[o].Output] = curve.Average(v => (double)v);
                curves[orders[o].Output] = RegionRemoval.Curve(curve);
            }
            if (order == Order.Both) values[Name] = (values["road-lerf"] - values["road-morf"]) / 2;
            return new MetricResult(values, curves);
        }).ToList();
    }

    /// <summary>N(0, 1) draws [rows, C, H, W], each row's from its own generator (seed, order·steps + step), so a row's noise is the same whatever chunk builds it.</summary>
    static Tensor Noise(long seed, Tensor within, long channels, long h, long w)
    {
        var keys = within.cpu().data<long>().ToArray();
        return stack(keys.Select(k =>
        {
            using var generator = new Generator((ulong)(seed * 1_000_003 + k));
            return randn([channels, h, w], generator: generator);
        }));
    }
}
