using XaiVision.Engine.Explainers;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Metrics;

/// <summary>ROAD's imputation on answers known by hand, and the metric's invariances (its agreement with Quantus: QuantusReferenceTests).</summary>
public class RoadTests
{
    [Fact]
    public void A_hole_in_a_linear_ramp_is_filled_with_the_ramp()
    {
        // Away from the border every pixel's eight neighbours are symmetric about it, so their weighted mean is the pixel's value on
        // any linear image: the ramp solves the system, and the system has one solution.
        using var scope = NewDisposeScope();
        var y = arange(24, dtype: ScalarType.Float64).view(1, 1, 24, 1);
        var x = arange(20, dtype: ScalarType.Float64).view(1, 1, 1, 20);
        var ramp = cat([0.3 * y + 0.1 * x, -0.2 * y + 0.5 * x + 1, 0 * y + 0 * x + 2], 1);
        var yy = arange(24).view(24, 1);
        var xx = arange(20).view(1, 20);
        var hole = (yy - 12).square().add((xx - 9).square()).le(36).unsqueeze(0);
        var punched = where(hole.unsqueeze(1).expand_as(ramp), zeros_like(ramp), ramp);
        var filled = LinearImputation.Impute(punched, hole, null, 0);
        Assert.True((filled - ramp).abs().max().item<double>() < 1e-7);
    }

    [Fact]
    public void Noise_is_added_only_where_pixels_were_imputed_and_at_its_scale()
    {
        using var scope = NewDisposeScope();
        var image = ones(1, 3, 32, 32, ScalarType.Float64);
        var removed = rand(1, 32, 32, generator: new Generator(5)).lt(0.5);
        var draws = randn(1, 3, 32, 32, generator: new Generator(6));
        var noisy = LinearImputation.Impute(image, removed, draws, 0.1) - 1;
        var inside = noisy.masked_select(removed.unsqueeze(1).expand(1, 3, 32, 32));
        Assert.Equal(0, noisy.masked_select(removed.logical_not().unsqueeze(1).expand(1, 3, 32, 32)).abs().max().item<double>());
        Assert.True(inside.allclose(0.1 * draws.masked_select(removed.unsqueeze(1).expand(1, 3, 32, 32)).to(ScalarType.Float64), 1e-6, 1e-8));
    }

    [Fact]
    public void A_result_does_not_depend_on_the_chunk_that_computed_it_and_the_seed_draws_the_noise()
    {
        using var scope = NewDisposeScope();
        var (w, images, targets) = Corner();
        using var model = TinyNets.Wrap(new CornerNet(w), "none", 16);
        var maps = rand(4, 16, 16, generator: new Generator(9));
        double[] Run(int batch, long seed, double noise) =>
            MetricCatalog.Create(MethodSpec.Parse($"road(steps=8,noise={noise},score=probability,batch={batch})"))
                .Evaluate(new MetricContext(model, null!, images, targets, maps, [], seed))
                .SelectMany(r => r.Values.OrderBy(v => v.Key).Select(v => v.Value)).ToArray();
        // (to float rounding: a chunk's forward and its solver's last step differ in the last bits with its size)
        static void Same(double[] a, double[] b) => Assert.All(a.Zip(b), p => Assert.Equal(p.First, p.Second, 1e-6));
        var whole = Run(64, 1, 0.3);
        Same(whole, Run(5, 1, 0.3));
        Assert.True(whole.Zip(Run(64, 2, 0.3)).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
        Same(Run(64, 1, 0), Run(64, 2, 0));
    }

    [Fact]
    public void Road_ranks_the_true_map_of_a_linear_model_above_noise()
    {
        using var scope = NewDisposeScope();
        var (w, images, targets) = Corner();
        using var model = TinyNets.Wrap(new CornerNet(w), "none", 16);
        var metric = MetricCatalog.Create(MethodSpec.Parse("road(steps=10,score=probability)"));
        double Score(Tensor maps) => metric.Evaluate(new MetricContext(model, null!, images, targets, maps, [], 1)).Average(r => r.Values["road"]);
        Assert.True(Score(w.expand(4, 16, 16) + 1e-3 * rand(4, 16, 16, generator: new Generator(4))) > Score(rand(4, 16, 16, generator: new Generator(5))) + 0.05);
    }

    /// <summary>
    /// Dark 16×16 images with a bright 4×4 corner, seen by <see cref="CornerNet"/>: logit₀ = Σ x − 16 over the corner, logit₁ = 0.
    /// Imputing the corner first (the true map) darkens it from its dark neighbours and brings class 0 down at once.
    /// </summary>
    static (Tensor Weights, Tensor Images, Tensor Targets) Corner()
    {
        var w = zeros(16, 16);
        w[..4, ..4] = 1;
        return (w, 0.1 * rand(4, 3, 16, 16, generator: new Generator(3)) + 2 * w, zeros([4], ScalarType.Int64));
    }

    sealed class CornerNet(Tensor weights) : nn.Module<Tensor, Tensor>("CornerNet")
    {
        public override Tensor forward(Tensor x)
        {
            var corner = (x.mean([1]) * weights).sum([1, 2]);
            return stack([corner - 16, zeros_like(corner)], 1);
        }
    }
}
