using XaiVision.Engine.Explainers;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Models;

/// <summary>MobileNetV2, DenseNet and EfficientNet (torchvision's layouts: see TorchvisionKeyTests) with every non-LRP method on random weights.</summary>
public class NewArchitectureTests
{
    static readonly string[] Methods =
    [
        "grad-cam", "grad-cam++", "layer-cam", "saliency", "input-x-gradient", "integrated-gradients(steps=4)", "smoothgrad(samples=2)",
        "occlusion(size=32,stride=32)", "rise(masks=8,grid=4)",
    ];

    public static IEnumerable<object[]> Cases() =>
        from architecture in new[] { "mobilenet_v2", "mobilenet_v3_small", "densenet121", "efficientnet_b0", "convnext_tiny", "vit_b_32" }
            from method in Methods select new object[] { architecture, method };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_non_lrp_method_gives_finite_varied_maps(string architecture, string method)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(21);
        var arch = ArchitectureRegistry.Get(architecture);
        var net = arch.Create(5);
        using (no_grad())
            foreach (var conv in net.modules().OfType<TorchSharp.Modules.Conv2d>()) // fan-in: random activations stay alive through every block
                nn.init.kaiming_normal_(conv.weight!, mode: nn.init.FanInOut.FanIn);
        int size = arch.FixedInputSize ?? 96; // ViT: 224 only
        using var model = new ExplainableModel(net, arch, XaiVision.Engine.Imaging.Preprocessing.ImageNet(size, size), null, CPU, architecture);
        var x = randn(2, 3, size, size);
        var maps = ExplainerCatalog.Create(method.Replace("size=32,stride=32", $"size={size / 3},stride={size / 3}")).Explain(model, x, tensor(new long[] { 1, 4 }), 3);
        Assert.Equal(new long[] { 2, size, size }, maps.shape);
        Assert.True(maps.isfinite().all().item<bool>(), "finite");
        Assert.True(maps[0].std().item<float>() > 0 || maps[1].std().item<float>() > 0, $"{method} on {architecture}: constant maps");
    }

    [Theory]
    [InlineData("densenet121", "BatchNorm layers follow concatenations")]
    [InlineData("efficientnet_b0", "squeeze-excitation gates multiply")]
    [InlineData("mobilenet_v3_large", "hard-swish is not a ReLU")]
    [InlineData("convnext_tiny", "LayerNorms, GELU activations and layer scales")]
    [InlineData("vit_b_16", "attention multiplies token values")]
    public void Lrp_is_refused_with_the_reason(string architecture, string reason)
    {
        var arch = ArchitectureRegistry.Get(architecture);
        using var model = new ExplainableModel(arch.Create(5), arch, XaiVision.Engine.Imaging.Preprocessing.ImageNet(64, 64), null, CPU, architecture);
        var error = Assert.Throws<XaiVisionException>(() => ExplainerCatalog.Create("lrp-epsilon").Explain(model, randn(1, 3, 64, 64), tensor(new long[] { 0 }), 0));
        Assert.Contains(reason, error.Message);
        var (_, problems) = XaiVision.Engine.Suites.SuiteCompiler.Compile(["grad-cam", "lrp:epsilon-plus"], [], [], XaiVision.Engine.Suites.SuiteCompiler.Paths.JobSpec, arch);
        Assert.Equal(["suite.explainers[1]"], problems.Select(p => p.Path));
    }

    /// <summary>Every perturbation and metric runs on the new layouts too (one image, cheap parameters; a mask for localisation).</summary>
    [Theory]
    [InlineData("mobilenet_v3_small")]
    [InlineData("convnext_tiny")]
    public void Every_perturbation_and_metric_runs(string architecture)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(5);
        var arch = ArchitectureRegistry.Get(architecture);
        using var model = new ExplainableModel(arch.Create(5), arch, XaiVision.Engine.Imaging.Preprocessing.ImageNet(64, 64), null, CPU, architecture);
        var rng = new Random(3);
        var image = new XaiVision.Engine.Imaging.RgbImage(64, 64, Enumerable.Range(0, 64 * 64 * 3).Select(_ => (byte)rng.Next(256)).ToArray());
        var mask = Enumerable.Range(0, 64 * 64).Select(i => i % 64 < 32).ToArray();
        var suite = XaiVision.Engine.Suites.SuiteCompiler.CompileOrThrow(["grad-cam", "saliency"],
            ["affine(rotate=10)", "channel-swap", "text(text=Z)", "noise", "blur", "jpeg", "occlusion", "mask(top=20)"],
            ["deletion(steps=4)", "insertion(steps=4)", "localisation", "aopc-morf(steps=4)", "faithfulness-correlation(subsets=4)", "infidelity(patches=4)",
             "max-sensitivity(samples=2)", "randomisation", "relative-representation-stability(samples=1)", "efficient-mprt", "smooth-mprt(samples=1)",
             "continuity(steps=2)"], XaiVision.Engine.Suites.SuiteCompiler.Paths.JobSpec, arch);
        var batch = new XaiVision.Engine.Suites.SuiteRunner(model, suite.ToSpec(TargetSelection.Parse("predicted"), 1)).Run([new SuiteInput(image, mask)]);
        var maps = batch.Images[0].Maps;
        Assert.Equal(2, maps.Count);
        Assert.All(maps, m => Assert.Contains("mprt-spearman", m.Metrics.Keys));
        Assert.All(maps, m => Assert.Contains("relevance-mass", m.Metrics.Keys));
        Assert.All(maps, m => Assert.Contains("relative-representation-stability", m.Metrics.Keys)); // a hook inside the network's own scopes
        Assert.All(maps, m => Assert.Equal(8, m.Perturbed.Count));
        Assert.All(maps.SelectMany(m => m.Metrics.Values.Where(v => !double.IsNaN(v))), v => Assert.True(double.IsFinite(v)));
    }

    /// <summary>TorchSharp's ResNet frees what its forward makes in a scope of its own: a layer's representation caught by a hook survives it.</summary>
    [Fact]
    public void A_layer_representation_outlives_the_networks_own_dispose_scope()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(6);
        var arch = ArchitectureRegistry.Get("resnet18");
        using var model = new ExplainableModel(arch.Create(3), arch, XaiVision.Engine.Imaging.Preprocessing.ImageNet(32, 32), null, CPU, "resnet18");
        var images = randn(2, 3, 32, 32);
        var targets = tensor(new long[] { 0, 1 });
        var explainer = ExplainerCatalog.Create("saliency");
        var maps = explainer.Explain(model, images, targets, 0);
        var results = XaiVision.Engine.Metrics.MetricCatalog.Create(MethodSpec.Parse("relative-representation-stability(samples=2)"))
            .Evaluate(new XaiVision.Engine.Metrics.MetricContext(model, explainer, images, targets, maps, [], 0));
        Assert.All(results, r => Assert.True(double.IsFinite(r.Values["relative-representation-stability"])));
    }
}
