using XaiVision.Engine.Metrics;
using XaiVision.Engine.MetaEvaluation;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.MetaEvaluation;

/// <summary>The meta-evaluation's statistics against SciPy and on metrics whose verdicts are known without running anything.</summary>
public class MetaEvaluatorTests
{
    [Theory]
    [InlineData(new[] { 1.0, 2.5, 3.1, 4.7, 5.2, 6.8, 7.4, 8.9, 9.3, 10.6, 11.1, 12.5 }, new[] { 1.3, 2.1, 3.1, 5.0, 4.6, 7.5, 7.0, 9.9, 9.0, 11.8, 11.1, 13.9 },
        0.36680119939501743)]
    [InlineData(new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8 }, new[] { 0.15, 0.22, 0.31, 0.35, 0.55, 0.66, 0.8, 0.9 }, 0.0583979067493014)]
    public void The_wilcoxon_p_value_is_scipys(double[] a, double[] b, double scipy) =>
        // scipy.stats.wilcoxon(a, b, zero_method="zsplit", correction=False, method="approx").pvalue, SciPy 1.10
        Assert.Equal(scipy, WilcoxonSignedRank.PValue(a, b), 6);

    /// <summary>A metric that says the same whatever it is shown: never reacts, never disagrees.</summary>
    sealed class Constant : IMetric
    {
        public string Name => "constant";
        public MetricCategory Category => MetricCategory.Complexity;
        public string Definition => "0.5, always.";
        public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.HigherIsBetter };
        public IReadOnlyList<MetricResult> Evaluate(MetricContext c) =>
            Enumerable.Range(0, (int)c.Images.shape[0]).Select(_ => (MetricResult)new Dictionary<string, double> { [Name] = 0.5 }).ToList();
    }

    [Fact]
    public void A_metric_that_never_moves_is_resilient_and_not_reactive_and_the_weights_come_back_exactly()
    {
        using var scope = NewDisposeScope();
        using var model = TinyNets.RandomDemo();
        var images = randn(6, 3, 64, 64, generator: new Generator(2));
        var targets = model.Forward(images).argmax(1);
        var before = model.Network.parameters().Select(p => p.detach().clone()).ToList();
        var results = MetaEvaluator.Run(model, [ExplainerCatalog.Create("saliency"), ExplainerCatalog.Create("grad-cam")], [new Constant()], images, targets,
            [], 3, perturbations: 2);
        Assert.Equal(["model", "input"], results.Select(r => r.Kind));
        foreach (var r in results)
        {
            Assert.Equal(1, r.IacNr);
            Assert.Equal(1, r.IecNr);
            if (r.IacAr is { } iacAr) Assert.Equal(0, iacAr);
            if (r.IecAr is { } iecAr) Assert.Equal(0, iecAr);
        }
        Assert.All(model.Network.parameters().Zip(before), p => Assert.True(p.First.equal(p.Second).all().item<bool>()));
    }

    [Fact]
    public void A_disruptive_model_perturbation_changes_predictions_and_a_minor_one_does_not()
    {
        // The tests judge resilience on images whose prediction survived and reactivity on those whose prediction changed: both
        // must exist for the scores to mean anything. Sparseness reads the map alone, so it scores every image.
        using var scope = NewDisposeScope();
        using var model = TinyNets.RandomDemo();
        var images = randn(8, 3, 64, 64, generator: new Generator(4));
        var targets = model.Forward(images).argmax(1);
        var results = MetaEvaluator.Run(model, [ExplainerCatalog.Create("saliency"), ExplainerCatalog.Create("grad-cam")], [MetricCatalog.Create(
            Engine.Explainers.MethodSpec.Parse("sparseness"))], images, targets, [], 5, perturbations: 2);
        var onModel = results.Single(r => r.Kind == "model");
        Assert.True(onModel.IacNr is not null && onModel.IacAr is not null && onModel.IecNr is not null && onModel.IecAr is not null);
        Assert.InRange(onModel.Score!.Value, 0, 1);
    }

    [Theory]
    [InlineData(6, 3, 4, new[] { 2, 2, 2 })]        // the demo: 12 images in 3 shards of 4
    [InlineData(16, 1000, 16, new[] { 2, 2, 2 })]   // a thousand shards: the first 8 take 2 each, the rest none
    [InlineData(16, 2, 3, new[] { 3, 3 })]          // shards smaller than their share give what they have
    public void The_sample_is_spread_over_the_first_shards(int images, int shards, int shardImages, int[] firstShares)
    {
        var options = new MetaEvaluationOptions(images);
        Assert.Equal(firstShares, Enumerable.Range(0, firstShares.Length).Select(i => options.ShardShare(i, shards, shardImages)));
        int total = Enumerable.Range(0, shards).Sum(i => options.ShardShare(i, shards, shardImages));
        Assert.InRange(total, Math.Min(images, shards * shardImages) - 1, images + 1);
    }
}
