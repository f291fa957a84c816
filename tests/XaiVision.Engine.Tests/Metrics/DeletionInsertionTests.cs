using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Metrics;

public class DeletionInsertionTests
{
    /// <summary>logit₀ = mean of channel 0 over the top-left 4×4 region of an 8×8 image; logit₁ = 0. Only that region matters.</summary>
    sealed class RegionNet : nn.Module<Tensor, Tensor>
    {
        public RegionNet() : base("RegionNet") { }

        public override Tensor forward(Tensor x)
        {
            var region = x[.., 0, ..4, ..4].mean([1, 2]);
            return stack([region, zeros_like(region)], 1);
        }
    }

    static ExplainableModel Model() => TinyNets.Wrap(new RegionNet(), "none", 8);

    static Tensor Images()
    {
        random.manual_seed(1);
        var x = rand(3, 3, 8, 8) * 0.5;
        x[.., 0] -= 2;            // a dark surround, so a blurred image no longer shows the region
        x[.., 0, ..4, ..4] += 4;  // the region pushes class 0
        return x;
    }

    static Tensor PerfectMaps()
    {
        var m = zeros(3, 8, 8);
        m[.., ..4, ..4] = 1;
        return m;
    }

    /// <summary>The slow way: one image, one step at a time, pixel by pixel in plain arrays.</summary>
    static double SlowAuc(ExplainableModel model, Tensor image, Tensor map, bool insertion, int steps)
    {
        int h = (int)image.shape[1], w = (int)image.shape[2], pixels = h * w;
        int step = (pixels + steps - 1) / steps;
        var original = image.data<float>().ToArray();
        var start = insertion ? DeletionInsertion.Blur(image.unsqueeze(0))[0].data<float>().ToArray() : new float[original.Length];
        if (!insertion) Array.Copy(original, start, original.Length);
        var finish = insertion ? original : new float[original.Length];
        var relevance = map.data<float>().ToArray();
        var order = Enumerable.Range(0, pixels).OrderByDescending(p => relevance[p]).ThenBy(p => p).ToArray();
        long cls;
        using (no_grad()) cls = model.Forward(image.unsqueeze(0)).argmax(1).item<long>();
        var curve = new List<float>();
        var current = (float[])start.Clone();
        for (int changed = 0; ; changed += step)
        {
            for (int k = Math.Max(0, changed - step); k < Math.Min(changed, pixels); k++)
                for (int c = 0; c < 3; c++) current[c * pixels + order[k]] = finish[c * pixels + order[k]];
            using (no_grad())
            using (var t = tensor(current).view(1, 3, h, w))
                curve.Add(model.Forward(t).softmax(1)[0, cls].item<float>());
            if (changed >= pixels) break;
        }
        return DeletionInsertion.Trapezoid(curve.ToArray());
    }

    [Theory]
    [InlineData(false, 7)]
    [InlineData(true, 7)]
    [InlineData(false, 64)]
    [InlineData(true, 5)]
    public void Batched_curves_equal_the_slow_loop(bool insertion, int steps)
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        var images = Images();
        random.manual_seed(2);
        var maps = rand(3, 8, 8);
        var curves = new DeletionInsertion(insertion, steps, maxBatch: 5).Evaluate(model, images, maps);
        for (int i = 0; i < 3; i++)
            Assert.Equal(SlowAuc(model, images[i], maps[i], insertion, steps), curves[i].Auc, 5);
    }

    [Fact]
    public void The_perfect_map_beats_random_maps()
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        var images = Images();
        var deletion = new DeletionInsertion(insertion: false, steps: 16);
        var insertion = new DeletionInsertion(insertion: true, steps: 16);
        double perfectDeletion = deletion.Evaluate(model, images, PerfectMaps()).Average(c => c.Auc);
        double perfectInsertion = insertion.Evaluate(model, images, PerfectMaps()).Average(c => c.Auc);
        random.manual_seed(9);
        var randomMaps = rand(3, 8, 8);
        double randomDeletion = deletion.Evaluate(model, images, randomMaps).Average(c => c.Auc);
        double randomInsertion = insertion.Evaluate(model, images, randomMaps).Average(c => c.Auc);
        Assert.True(perfectDeletion < randomDeletion - 0.1, $"deletion: perfect {perfectDeletion:F3}, random {randomDeletion:F3}");
        Assert.True(perfectInsertion > randomInsertion + 0.1, $"insertion: perfect {perfectInsertion:F3}, random {randomInsertion:F3}");
        Assert.Equal(MetricDirection.LowerIsBetter, deletion.Direction);
        Assert.Equal(MetricDirection.HigherIsBetter, insertion.Direction);
    }

    [Fact]
    public void Curve_has_one_score_per_step_plus_the_start()
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        var curve = new DeletionInsertion(false, steps: 8).Evaluate(model, Images(), PerfectMaps())[0];
        Assert.Equal(9, curve.Scores.Length);
        Assert.Equal(0.5f, curve.Scores[^1], 5); // everything deleted: logits 0, 0 → p = ½
        Assert.True(curve.Scores[0] > 0.85f, $"start {curve.Scores[0]}"); // the untouched image: class 0 is sure
    }
}
