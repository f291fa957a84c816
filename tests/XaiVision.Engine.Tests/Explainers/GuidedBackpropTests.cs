using TorchSharp.Modules;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace XaiVision.Engine.Tests.Explainers;

/// <summary>The ReLU-rewriting methods (their maps equal Captum's: CaptumReferenceTests) on in-place ReLUs and on TorchScript.</summary>
public sealed class GuidedBackpropTests
{
    static ExplainableModel Net(bool inplace)
    {
        random.manual_seed(9);
        var net = Sequential(("0", Conv2d(3, 4, 3, padding: 1)), ("1", ReLU(inplace)), ("2", Conv2d(4, 4, 3, padding: 1)), ("3", ReLU(inplace)),
            ("4", Flatten()), ("5", Linear(4 * 8 * 8, 3)));
        net.eval();
        return TinyNets.Wrap(net, "3", 8);
    }

    [Theory]
    [InlineData("guided-backprop")]
    [InlineData("deconvolution")]
    [InlineData("guided-grad-cam")]
    public void In_place_relus_give_the_same_map_and_stay_in_place(string method)
    {
        using var scope = NewDisposeScope();
        var images = randn([2, 3, 8, 8], generator: new Generator(3));
        var targets = tensor(new long[] { 0, 2 });
        using var plain = Net(inplace: false);
        using var inPlace = Net(inplace: true);
        var explainer = ExplainerCatalog.Create(method);
        var expected = explainer.Explain(plain, images, targets, 0);
        var map = explainer.Explain(inPlace, images, targets, 0);
        Assert.True(map.allclose(expected, rtol: 1e-5, atol: 1e-7), $"{method}: in-place ReLUs changed the map");
        Assert.True(expected.abs().sum().item<float>() > 0);
        Assert.All(ModuleTree.Leaves(inPlace.Network).Select(l => l.Module).OfType<ReLU>(), r => Assert.True(r.inplace));
    }

    [Fact]
    public void A_torchscript_model_is_refused_with_the_reason()
    {
        using var scope = NewDisposeScope();
        using var model = ModelLoader.Load(new ModelSpec("", Fixtures.Path("captum", "net.pt"),
            Preprocessing: XaiVision.Engine.Imaging.Preprocessing.ImageNet(16, 16), AllowTorchScript: true), CPU);
        var error = Assert.Throws<XaiVisionException>(() => ExplainerCatalog.Create("guided-backprop").Explain(model, randn(1, 3, 16, 16), tensor(new long[] { 0 }), 0));
        Assert.Contains("TorchScript model hides", error.Message);
    }
}
