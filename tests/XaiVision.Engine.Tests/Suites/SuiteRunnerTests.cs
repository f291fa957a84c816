using XaiVision.Engine.Explainers;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Perturbations;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;

namespace XaiVision.Engine.Tests.Suites;

public class SuiteRunnerTests(DemoFixture demo) : IClassFixture<DemoFixture>
{
    SuiteRun Spec(long seed) => new(
        ExplainerCatalog.CreateList("grad-cam,smoothgrad(samples=4),center"), TargetSelection.Predicted, seed,
        PerturbationCatalog.CreateList("affine(rotate=90),noise(sigma=0.05),mask(top=20)"),
        MetricCatalog.CreateList("deletion(steps=8),aopc-morf(steps=8),faithfulness-correlation(subsets=8),localisation"));

    SuiteBatch Run(long seed)
    {
        var views = demo.Images.Take(3).Select(p => XaiVision.Engine.Imaging.ImageDecoder.DecodeFile(p)).ToList();
        return new SuiteRunner(demo.Model, Spec(seed)).Run(SuiteInputs.Of(views, demo.Masks));
    }

    [Fact]
    public void Same_seed_same_records_and_every_part_is_there()
    {
        var a = Run(5);
        var b = Run(5);
        Assert.Equal(3, a.Images.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(3, a.Images[i].Maps.Count);
            for (int m = 0; m < 3; m++)
            {
                var (x, y) = (a.Images[i].Maps[m], b.Images[i].Maps[m]);
                Assert.Equal(x.Map, y.Map);
                Assert.Equal(x.Metrics, y.Metrics);
                Assert.Equal(new[] { "affine", "noise", "mask-top20" }, x.Perturbed.Select(p => p.Perturbation));
                Assert.Equal(x.Perturbed.Select(p => p.Spearman), y.Perturbed.Select(p => p.Spearman));
                Assert.Contains("deletion", x.Metrics.Keys);
                Assert.Contains("relevance-mass", x.Metrics.Keys);
            }
        }
        Assert.Contains("shared-pass", a.StageMilliseconds.Keys); // grad-cam and the prediction share one forward and backward
        Assert.Contains("metric:deletion:smoothgrad", a.StageMilliseconds.Keys);
        Assert.Contains("perturb:affine:center", a.StageMilliseconds.Keys);
    }

    [Fact]
    public void A_rotation_invariant_map_survives_the_round_trip_and_the_seed_matters()
    {
        var batch = Run(5);
        foreach (var image in batch.Images)
        {
            var centre = image.Maps.Single(m => m.Method == "center").Perturbed.Single(p => p.Perturbation == "affine");
            Assert.Equal(1, centre.Spearman, 4); // a centred Gaussian rotated by 90° and warped back is itself
            Assert.True(centre.TopIou > 0.99);
        }
        var other = Run(6);
        Assert.NotEqual(batch.Images[0].Maps[1].Map, other.Images[0].Maps[1].Map); // smoothgrad noise follows the seed
    }

    [Fact]
    public void Grad_cam_explains_the_demo_better_than_the_centre_baseline()
    {
        var batch = Run(5);
        double Mean(string method, string metric) => batch.Images.Average(i => i.Maps.Single(m => m.Method == method).Metrics[metric]);
        Assert.True(Mean("grad-cam", "relevance-mass") > Mean("center", "relevance-mass"));
        Assert.True(Mean("grad-cam", "deletion") < Mean("center", "deletion"));
    }

    /// <summary>An explainer that counts its calls and, when given a source, cancels it while it explains (as SIGTERM does mid-batch).</summary>
    sealed class WatchedExplainer(IExplainer inner, CancellationTokenSource? cancels = null) : IExplainer
    {
        public int Calls { get; private set; }
        public string Name => inner.Name;
        public IReadOnlyDictionary<string, string> Describe(XaiVision.Engine.Models.ExplainableModel model) => inner.Describe(model);
        public TorchSharp.torch.Tensor Explain(XaiVision.Engine.Models.ExplainableModel model, TorchSharp.torch.Tensor images, TorchSharp.torch.Tensor targets, long seed)
        {
            Calls++;
            cancels?.Cancel();
            return inner.Explain(model, images, targets, seed);
        }
    }

    [Fact]
    public void A_cancelled_run_stops_at_the_next_stage()
    {
        using var stop = new CancellationTokenSource();
        var first = new WatchedExplainer(ExplainerCatalog.Create("center"), stop);
        var second = new WatchedExplainer(ExplainerCatalog.Create("occlusion(size=8,stride=8)"));
        var spec = new SuiteRun([first, second], TargetSelection.Predicted, 1, [], MetricCatalog.CreateList("deletion(steps=8)"));
        var views = demo.Images.Take(2).Select(p => XaiVision.Engine.Imaging.ImageDecoder.DecodeFile(p)).ToList();
        Assert.Throws<OperationCanceledException>(() => new SuiteRunner(demo.Model, spec) { Cancellation = stop.Token }.Run(SuiteInputs.Of(views)));
        Assert.Equal((1, 0), (first.Calls, second.Calls));
        var uncancelled = new SuiteRunner(demo.Model, spec with { Explainers = [second] }).Run(SuiteInputs.Of(views));
        Assert.Equal(2, uncancelled.Images.Count); // the same runner type without a token runs to the end
    }
}
