using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Focus (Arias-Duart et al. 2022, "Focus! Rating XAI methods and finding biases", FUZZ-IEEE; Quantus <c>Focus</c>): each image is
/// shrunk into a 2×2 mosaic with another image of its explained class and two of other classes, all four from the audit's own batch,
/// and the mosaic is explained for that class; the score is the share of the map's positive relevance that falls on the two
/// quadrants of the class. Higher is better (0.5 is what a map blind to the content scores). The partner is the next image of the
/// batch (cyclically) explained for the same class, the others the next two explained for another; the class's two quadrants
/// rotate over the six pairs with the image's place in the batch, so a map that favours one corner gains nothing. Each image is
/// shrunk to its quadrant by area averaging. An image with no partner, or a batch without two images of other classes, gets no
/// score. Quantus takes the mosaics and their layout from the user; given the same ones, it scores the same. Cost: one
/// explanation per image.
/// </summary>
public sealed class Focus : IMetric
{
    static readonly (int First, int Second)[] Layouts = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)];

    public string Name => "focus";
    public MetricCategory Category => MetricCategory.Localisation;
    public string Definition => "Share of positive relevance on the class's own quadrants of a 2×2 mosaic of audit images (Arias-Duart et al. 2022).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.HigherIsBetter };

    /// <summary>Per image: the four batch images in quadrant order (top-left, top-right, bottom-left, bottom-right) and which hold its class; null without a mosaic.</summary>
    public static IReadOnlyList<(int[] Images, bool[] OfClass)?> Plan(IReadOnlyList<long> targets)
    {
        int n = targets.Count;
        return Enumerable.Range(0, n).Select(i =>
        {
            var after = Enumerable.Range(1, n - 1).Select(k => (i + k) % n).ToList();
            var partner = after.FirstOrDefault(j => targets[j] == targets[i], -1);
            var others = after.Where(j => targets[j] != targets[i]).Take(2).ToList();
            if (partner < 0 || others.Count < 2) return ((int[], bool[])?)null;
            var (first, second) = Layouts[i % Layouts.Length];
            var images = new int[4];
            var ofClass = new bool[4];
            (images[first], images[second], ofClass[first], ofClass[second]) = (i, partner, true, true);
            var rest = Enumerable.Range(0, 4).Where(q => !ofClass[q]).ToList();
            (images[rest[0]], images[rest[1]]) = (others[0], others[1]);
            return (images, ofClass);
        }).ToList();
    }

    /// <summary>The mosaic of four images [4, C, H, W] → [C, H, W]: each shrunk by area averaging into its quadrant (halves ⌊H/2⌋, ⌊W/2⌋).</summary>
    public static Tensor Mosaic(Tensor four)
    {
        using var scope = NewDisposeScope();
        long h = four.shape[2], w = four.shape[3], top = h / 2, left = w / 2;
        Tensor Shrink(int q, long height, long width) => nn.functional.adaptive_avg_pool2d(four[q].unsqueeze(0), [height, width])[0];
        var upper = cat([Shrink(0, top, left), Shrink(1, top, w - left)], 2);
        var lower = cat([Shrink(2, h - top, left), Shrink(3, h - top, w - left)], 2);
        return cat([upper, lower], 1).MoveToOuterDisposeScope();
    }

    /// <summary>Quantus's score: positive relevance on the class's quadrants over all positive relevance (+1e−9).</summary>
    public static double Score(float[] map, int height, int width, bool[] ofClass)
    {
        int top = height / 2, left = width / 2;
        double onClass = 0, total = 0;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double v = Math.Max(0, map[y * width + x]);
                total += v;
                if (ofClass[(y < top ? 0 : 2) + (x < left ? 0 : 1)]) onClass += v;
            }
        return onClass / (total + 1e-9);
    }

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        int n = (int)c.Images.shape[0], h = (int)c.Images.shape[2], w = (int)c.Images.shape[3];
        var plan = Plan(c.Targets.cpu().data<long>().ToArray());
        var planned = Enumerable.Range(0, n).Where(i => plan[i] is not null).ToList();
        var results = Enumerable.Repeat(MetricResult.Empty, n).ToList();
        if (planned.Count == 0) return results;
        var mosaics = stack(planned.Select(i => Mosaic(c.Images.index_select(0, tensor(plan[i]!.Value.Images.Select(k => (long)k).ToArray(), device: c.Images.device)))).ToList());
        var targets = c.Targets.index_select(0, tensor(planned.Select(i => (long)i).ToArray(), device: c.Targets.device));
        var maps = c.Explainer.Explain(c.Model, mosaics, targets, c.Seed).to(ScalarType.Float32).cpu().reshape(planned.Count, -1);
        for (int k = 0; k < planned.Count; k++)
            results[planned[k]] = new Dictionary<string, double> { [Name] = Score(maps[k].data<float>().ToArray(), h, w, plan[planned[k]]!.Value.OfClass) };
        return results;
    }
}
