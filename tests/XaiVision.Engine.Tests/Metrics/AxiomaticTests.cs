using XaiVision.Engine.Explainers;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Metrics;

/// <summary>The axiomatic metrics on a linear model, whose complete and exact map is known by hand: w·x summed over the channels.</summary>
public class AxiomaticTests
{
    /// <summary>logit₀ = Σ w·x (w nonzero on the top-left 3×3 only), logit₁ = 0.</summary>
    sealed class Linear(Tensor weights) : nn.Module<Tensor, Tensor>("Linear")
    {
        public override Tensor forward(Tensor x)
        {
            var logit = (x * weights).sum([1, 2, 3]);
            return stack([logit, zeros_like(logit)], 1);
        }
    }

    static (Tensor Weights, Tensor Images, Tensor Targets) Case()
    {
        var w = zeros(3, 8, 8);
        w[.., ..3, ..3] = 0.05 * (rand(3, 3, 3, generator: new Generator(1)) + 0.5); // small: the softmax stays off saturation
        return (w, rand(2, 3, 8, 8, generator: new Generator(2)) + 0.5, zeros([2], ScalarType.Int64));
    }

    static double Mean(string metric, Tensor weights, Tensor images, Tensor targets, Tensor maps)
    {
        using var model = TinyNets.Wrap(new Linear(weights), "none", 8);
        return MetricCatalog.Create(MethodSpec.Parse(metric)).Evaluate(new MetricContext(model, null!, images, targets, maps, [], 1))
            .Average(r => r.Values.Single().Value);
    }

    [Fact]
    public void Input_times_weight_is_complete_from_zero_and_not_from_black()
    {
        using var scope = NewDisposeScope();
        var (w, images, targets) = Case();
        var exact = (images * w).sum(1);
        Assert.True(Mean("completeness(baseline=zero)", w, images, targets, exact) < 1e-5);
        Assert.True(Mean("completeness", w, images, targets, exact) > 0.05);
        Assert.Equal(0.5, Mean("completeness(baseline=zero)", w, images, targets, 1.5 * exact), 5);
    }

    [Fact]
    public void The_exact_map_makes_no_non_sensitivity_error_and_a_shifted_one_does()
    {
        // Outside the 3×3 corner the exact map is 0 and the logit ignores the pixels: no wrong verdict. The same map moved two pixels
        // right calls some of the corner irrelevant (they move the output) and some of the ignored pixels relevant.
        using var scope = NewDisposeScope();
        var (w, images, targets) = Case();
        var exact = (images * w).sum(1);
        Assert.Equal(0, Mean("non-sensitivity(features=3)", w, images, targets, exact));
        Assert.True(Mean("non-sensitivity(features=3)", w, images, targets, exact.roll(2, 2)) >= 2 * 3 * 3);
    }
}
