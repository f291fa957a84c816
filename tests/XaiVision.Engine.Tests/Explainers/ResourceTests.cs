using XaiVision.Engine.Explainers;
using XaiVision.Engine.Strategies;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Explainers;

[CollectionDefinition(Serial, DisableParallelization = true)]
public class SerialCollection
{
    /// <summary>Tests that count live tensors process-wide run alone.</summary>
    public const string Serial = "serial";
}

[Collection(SerialCollection.Serial)]
public class ResourceTests
{
    [Fact]
    public void Explainers_leak_no_tensors_and_compute_no_weight_gradients()
    {
        using var model = TinyNets.RandomDemo();
        using var x = randn(2, 3, 64, 64);
        using var targets = tensor(new long[] { 1, 3 });
        var explainers = EveryMethod.Strings.Select(ExplainerCatalog.Create).ToList();
        Assert.Contains(explainers, e => e.Name == "lrp-composite"); // the catalog's list, not an empty one
        foreach (var explainer in explainers) explainer.Explain(model, x, targets, 0).Dispose(); // warm-up: lazily created tensors are not leaks
        var leaks = explainers.Select(e => (e.Name, Leaked: Leaked(() => e.Explain(model, x, targets, 0).Dispose()))).Where(l => l.Leaked != 0).ToList();
        Assert.True(leaks.Count == 0, "tensors left after 10 runs: " + string.Join(", ", leaks.Select(l => $"{l.Name} {l.Leaked}")));
        Assert.All(model.Network.parameters(), p =>
        {
            Assert.False(p.requires_grad);
            Assert.True(p.grad is null);
        });
    }

    /// <summary>AttnLRP on the small ViT of its reference tests: both attention rules, no tensor left, no rule left on the model.</summary>
    [Fact]
    public void Attnlrp_leaks_no_tensors_and_removes_its_rules()
    {
        using var model = XaiVision.Engine.Tests.Lrp.AttnLrpReferenceTests.Model();
        using var x = XaiVision.Engine.Tests.Lrp.AttnLrpReferenceTests.Input();
        using var targets = tensor(new long[] { 1, 3, 4 });
        using var plain = model.Forward(x).detach();
        foreach (var method in new[] { "lrp:attnlrp", "lrp:attnlrp(attention=attnlrp)" })
        {
            var explainer = ExplainerCatalog.Create(method);
            explainer.Explain(model, x, targets, 0).Dispose();
            Assert.Equal(0, Leaked(() => explainer.Explain(model, x, targets, 0).Dispose()));
        }
        using var after = model.Forward(x);
        Assert.Equal(plain.data<float>().ToArray(), after.detach().data<float>().ToArray()); // no rule left behind
    }

    [Fact]
    public void The_shared_pass_leaks_no_tensors()
    {
        using var model = TinyNets.RandomDemo();
        using var x = randn(2, 3, 64, 64);
        var explainers = ExplainerCatalog.CreateList("grad-cam,grad-cam++,layer-cam,saliency,input-x-gradient");
        var selection = TargetSelection.Parse("top-k:2");
        void Run()
        {
            var pass = SharedPass.Run(model, x, explainers, logits => selection.Choose(logits));
            pass.Logits.Dispose();
            foreach (var map in pass.Maps.Values) map.Dispose();
        }
        Run(); // warm-up
        Assert.Equal(0, Leaked(Run));
    }

    /// <summary>Every catalog metric, with parameters that keep it cheap; a metric added to the catalog must be added here.</summary>
    static readonly string[] CheapMetrics =
    [
        "deletion(steps=4)", "insertion(steps=4)", "aopc-morf(steps=4)", "aopc-lerf(steps=4)", "faithfulness-correlation(subsets=4)", "infidelity(patches=4)",
        "max-sensitivity(samples=2)", "avg-sensitivity(samples=2)", "local-lipschitz-estimate(samples=2)", "relative-input-stability(samples=2)",
        "relative-output-stability(samples=2)", "randomisation", "random-logit", "localisation", "pixel-flipping(step=1024)",
        "region-perturbation(patch=16,regions=4)", "selectivity(patch=16)", "faithfulness-estimate(step=1024)", "road(steps=2)", "monotonicity(step=1024)",
        "monotonicity-correlation(step=1024,samples=2)", "completeness", "non-sensitivity(features=3072)", "sparseness", "complexity",
        "effective-complexity", "top-k-intersection(k=100)", "auc", "attribution-localisation", "continuity(steps=2)", "efficient-mprt",
        "smooth-mprt(samples=2)", "relative-representation-stability(samples=2)", "input-invariance",
        "irof(segments=16)", "sufficiency", "consistency", "focus", "sensitivity-n(step=256)",
    ];

    [Fact]
    public void Metrics_leak_no_tensors()
    {
        Assert.Equal(XaiVision.Engine.Metrics.MetricCatalog.Names.Order(), CheapMetrics.Select(m => Engine.Explainers.MethodSpec.Parse(m).Name).Order());
        using var model = TinyNets.RandomDemo();
        using var x = randn(2, 3, 64, 64, generator: new Generator(1));
        using var targets = tensor(new long[] { 1, 3 });
        var explainer = ExplainerCatalog.Create("saliency");
        using var maps = explainer.Explain(model, x, targets, 0);
        bool[] mask = Enumerable.Range(0, 64 * 64).Select(i => i % 64 < 32).ToArray();
        var context = new XaiVision.Engine.Metrics.MetricContext(model, explainer, x, targets, maps, [mask, mask], 0);
        var metrics = XaiVision.Engine.Metrics.MetricCatalog.CreateList(string.Join(",", CheapMetrics));
        foreach (var metric in metrics) metric.Evaluate(context); // warm-up
        // Three runs each: a leak is at least a tensor a call, and thirty metrics at ten runs would cost half a minute on 2 cores.
        var leaks = metrics.Select(m => (m.Name, Leaked: Leaked(() => m.Evaluate(context), runs: 3))).Where(l => l.Leaked != 0).ToList();
        Assert.True(leaks.Count == 0, "tensors left after 3 runs: " + string.Join(", ", leaks.Select(l => $"{l.Name} {l.Leaked}")));
    }

    [Fact]
    public void Strategy_clustering_leaks_no_tensors()
    {
        var random = new Random(1);
        var maps = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, 64).Select(_ => (float)random.NextDouble()).ToArray()).ToList();
        SpectralClustering.Cluster(maps, 1); // warm-up
        Assert.Equal(0, Leaked(() => SpectralClustering.Cluster(maps, 1)));
    }

    /// <summary>Live tensors gained over <paramref name="runs"/> runs of <paramref name="run"/>.</summary>
    static long Leaked(Action run, int runs = 10)
    {
        // Finalizers of other tests' garbage would lower the count: drain them, then allow no GC while counting,
        // so an undisposed tensor of ours cannot be finalised away before it is seen.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long before = Tensor.TotalCount;
        bool noGc = GC.TryStartNoGCRegion(64L * 1024 * 1024);
        try
        {
            for (int i = 0; i < runs; i++) run();
            return Tensor.TotalCount - before;
        }
        finally
        {
            if (noGc && System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        }
    }
}
