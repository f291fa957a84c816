using XaiVision.Engine.Explainers;
using XaiVision.Engine.Models;
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
        from architecture in new[] { "mobilenet_v2", "mobilenet_v3_small", "densenet121", "efficientnet_b0", "convnext_tiny", "vit_b_32" } from method in Methods select new object[] { architecture, method };

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
}
