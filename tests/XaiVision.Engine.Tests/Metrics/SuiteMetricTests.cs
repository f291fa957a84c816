using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Metrics;

/// <summary>Metrics on constructed cases with known answers, and against slow loops.</summary>
public class SuiteMetricTests
{
    /// <summary>logit₀ = Σ over the top-left 4×4 of channel 0 of w·x (w fixed, positive), logit₁ = 0: a model with a known gradient.</summary>
    sealed class RegionLinear : nn.Module<Tensor, Tensor>
    {
        public readonly Tensor Weights;

        public RegionLinear() : base("RegionLinear")
        {
            Weights = zeros(8, 8);
            Weights[..4, ..4] = linspace(0.05, 0.2, 16).view(4, 4);
        }

        public override Tensor forward(Tensor x)
        {
            var logit = (x[.., 0] * Weights).sum([1, 2]);
            return stack([logit, zeros_like(logit)], 1);
        }
    }

    static ExplainableModel Model() => TinyNets.Wrap(new RegionLinear(), "none", 8);

    static Tensor Images()
    {
        random.manual_seed(4);
        var x = rand(3, 3, 8, 8) + 0.5;
        return x;
    }

    static MetricContext Context(ExplainableModel model, Tensor images, Tensor maps, string explainer = "saliency") =>
        new(model, ExplainerCatalog.Create(explainer), images, zeros(images.shape[0], dtype: ScalarType.Int64), maps, [], 11);

    static Tensor Perfect(ExplainableModel model) => ((RegionLinear)model.Network).Weights.unsqueeze(0).expand(3, 8, 8).contiguous();

    static double Mean(IMetric metric, MetricContext context) => metric.Evaluate(context).Average(v => v.Values[metric.Outputs.Keys.First()]);

    [Fact]
    public void Aopc_prefers_the_true_map_in_both_orders()
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        var images = Images();
        random.manual_seed(5);
        var noise = rand(3, 8, 8);
        var morf = new AopcMetric(true, 2, 16, 64);
        var lerf = new AopcMetric(false, 2, 16, 64);
        Assert.True(Mean(morf, Context(model, images, Perfect(model))) > Mean(morf, Context(model, images, noise)) + 0.02);
        Assert.True(Mean(lerf, Context(model, images, Perfect(model))) < Mean(lerf, Context(model, images, noise)) - 0.02);
    }

    [Fact]
    public void Region_ranking_matches_a_slow_loop()
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        var images = Images();
        random.manual_seed(6);
        var maps = rand(3, 8, 8);
        var finish = zeros_like(images);
        var curves = PixelFlipCurve.Evaluate(model, images, finish, maps, zeros(3, dtype: ScalarType.Int64), 2, true, 16, 7);
        for (int i = 0; i < 3; i++)
        {
            var m = maps[i].data<float>().ToArray();
            var regions = Enumerable.Range(0, 16).Select(r => (r, sum: Enumerable.Range(0, 4).Sum(k => (double)m[(r / 4 * 2 + k / 2) * 8 + r % 4 * 2 + k % 2])))
                .OrderByDescending(t => t.sum).ThenBy(t => t.r).Select(t => t.r).ToArray();
            var x = images[i].clone();
            for (int k = 0; k <= 16; k++)
            {
                using (no_grad())
                {
                    var p = model.Forward(x.unsqueeze(0)).softmax(1)[0, 0].item<float>();
                    Assert.Equal(p, curves[i][k], 5);
                }
                if (k == 16) break;
                int r = regions[k];
                x[.., (r / 4 * 2)..(r / 4 * 2 + 2), (r % 4 * 2)..(r % 4 * 2 + 2)] = 0;
            }
        }
    }

    [Fact]
    public void Faithfulness_correlation_is_high_for_the_true_map_and_near_zero_for_noise()
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        var images = Images();
        var metric = new FaithfulnessCorrelation(64, 0.2, 100);
        // x·w is each pixel's exact contribution to the logit
        var exact = images[.., 0] * ((RegionLinear)model.Network).Weights;
        random.manual_seed(7);
        Assert.True(Mean(metric, Context(model, images, exact)) > 0.9);
        Assert.InRange(Mean(metric, Context(model, images, rand(3, 8, 8))), -0.4, 0.4);
    }

    [Fact]
    public void Infidelity_is_zero_for_the_gradient_of_a_linear_model()
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        var images = Images();
        images[.., 1..] = 0; // only channel 0 carries signal, so Σ_c x_c = x₀
        var raw = new Infidelity(16, 0.25, normalise: false, 64);
        var scaled = new Infidelity(16, 0.25, normalise: true, 64);
        Assert.Equal(0, Mean(raw, Context(model, images, Perfect(model))), 8);
        Assert.Equal(0, Mean(scaled, Context(model, images, Perfect(model) * 7)), 8); // β absorbs the scale
        random.manual_seed(8);
        Assert.True(Mean(raw, Context(model, images, rand(3, 8, 8))) > 0.01);
    }

    [Fact]
    public void Max_sensitivity_is_zero_for_a_constant_gradient_and_grows_with_the_radius()
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        var images = Images();
        var targets = zeros(3, dtype: ScalarType.Int64);
        var saliency = ExplainerCatalog.Create("saliency");
        var ixg = ExplainerCatalog.Create("input-x-gradient");
        var salMaps = saliency.Explain(model, images, targets, 0);
        var ixgMaps = ixg.Explain(model, images, targets, 0);
        Assert.Equal(0, Mean(new MaxSensitivity(4, 0.1), Context(model, images, salMaps, "saliency")), 6);
        double small = Mean(new MaxSensitivity(4, 0.01), Context(model, images, ixgMaps, "input-x-gradient"));
        double large = Mean(new MaxSensitivity(4, 0.1), Context(model, images, ixgMaps, "input-x-gradient"));
        Assert.True(small > 0);
        Assert.Equal(10, large / small, 1);
    }

    [Fact]
    public void Randomisation_falls_for_grad_cam_not_for_baselines_and_restores_the_model()
    {
        using var scope = NewDisposeScope();
        using var model = TinyNets.RandomDemo(17);
        random.manual_seed(9);
        var images = randn(2, 3, 64, 64);
        var targets = tensor(new long[] { 0, 1 });
        using (no_grad())
        {
            var before = model.Forward(images);
            var parameters = model.Network.parameters().Select(p => p.clone()).ToList();
            double Run(string method)
            {
                var explainer = ExplainerCatalog.Create(method);
                var maps = explainer.Explain(model, images, targets, 0);
                var values = new Randomisation().Evaluate(new MetricContext(model, explainer, images, targets, maps, [], 3));
                Assert.StartsWith("1:classifier.3", values[0].Curves["mprt-spearman"].Stages![0]);
                Assert.Equal(values[0].Values["mprt-spearman"], values[0].Curves["mprt-spearman"].Points[^1]);
                return values.Average(v => v.Values["mprt-spearman"]);
            }
            Assert.True(Run("grad-cam") < 0.5);
            Assert.Equal(1, Run("center"), 9);
            Assert.True(model.Forward(images).equal(before).all().item<bool>());
            Assert.All(model.Network.parameters().Zip(parameters), p => Assert.True(p.First.equal(p.Second).all().item<bool>()));
        }
    }

    [Fact]
    public void Catalog_builds_every_metric_and_names_mistakes()
    {
        Assert.Equal(MetricCatalog.Names.Count(), MetricCatalog.CreateList(string.Join(",", MetricCatalog.Names)).Count);
        Assert.Contains("has no parameter 'stepz'", Assert.Throws<XaiVisionException>(() => MetricCatalog.CreateList("deletion(stepz=3)")).Message);
        Assert.Contains("Unknown metric 'aopc'", Assert.Throws<XaiVisionException>(() => MetricCatalog.CreateList("aopc")).Message);
        Assert.All(MetricCatalog.CreateList(string.Join(",", MetricCatalog.Names)), m => Assert.NotEmpty(m.Outputs));
    }
}
