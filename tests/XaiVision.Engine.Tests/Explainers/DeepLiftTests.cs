using TorchSharp.Modules;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace XaiVision.Engine.Tests.Explainers;

/// <summary>
/// DeepLIFT's rescale rule where Captum has no fixture to compare with (its maps equal Captum's on ReLU, Tanh and max-pool:
/// CaptumReferenceTests): summation to delta — Σ map = y(x) − y(x′) — on a net with overlapping max-pool windows, a SiLU, batch
/// norm and one in-place ReLU module called twice; in-place modules left in place; TorchScript refused.
/// </summary>
public sealed class DeepLiftTests
{
    /// <summary>conv → BN → ReLU → max-pool 3/2/1 (overlapping) → conv → SiLU → the same ReLU again (residual) → linear.</summary>
    sealed class Net : Module<Tensor, Tensor>
    {
        readonly Conv2d first = Conv2d(3, 6, 3, padding: 1), second = Conv2d(6, 6, 3, padding: 1);
        readonly BatchNorm2d norm = BatchNorm2d(6);
        readonly ReLU relu = ReLU(inplace: true);
        readonly MaxPool2d pool = MaxPool2d(3, stride: 2, padding: 1);
        readonly SiLU silu = SiLU();
        readonly Linear head = Linear(6 * 4 * 4, 3);

        public Net() : base("DeepLiftNet")
        {
            RegisterComponents();
            using var _ = no_grad();
            norm.running_mean!.copy_(randn(6) * 0.1);
            norm.running_var!.copy_(rand(6) + 0.5);
        }

        public override Tensor forward(Tensor x)
        {
            var pooled = pool.call(relu.call(norm.call(first.call(x))));
            return head.call(relu.call(silu.call(second.call(pooled)) + pooled).flatten(1));
        }
    }

    static ExplainableModel Model()
    {
        random.manual_seed(17);
        var net = new Net();
        net.eval();
        return TinyNets.Wrap(net, "relu", 8);
    }

    static Tensor Logits(ExplainableModel model, Tensor images, Tensor targets)
    {
        using var _ = no_grad();
        return model.Forward(images).gather(1, targets.unsqueeze(1)).squeeze(1);
    }

    [Theory]
    [InlineData("zero")]
    [InlineData("black")]
    public void The_map_sums_to_the_difference_of_the_logits(string baseline)
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        var images = randn([3, 3, 8, 8], generator: new Generator(4));
        var targets = tensor(new long[] { 0, 1, 2 });
        var map = ExplainerCatalog.Create($"deep-lift(baseline={baseline})").Explain(model, images, targets, 0);
        var references = XaiVision.Engine.Explainers.IntegratedGradients.Baseline(model, images, baseline);
        var delta = Logits(model, images, targets) - Logits(model, references, targets);
        var sums = map.sum([1, 2]);
        Assert.True(sums.allclose(delta, rtol: 1e-4, atol: 1e-5), $"Σ map {Show(sums)} against y(x) − y(x′) {Show(delta)}");
        Assert.True(delta.abs().min().item<float>() > 1e-3, "the test needs logits that differ from the reference's");
    }

    [Fact]
    public void Deep_lift_shap_sums_to_the_difference_from_the_mean_reference_logit()
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        var images = randn([2, 3, 8, 8], generator: new Generator(5));
        var targets = tensor(new long[] { 2, 0 });
        var map = ExplainerCatalog.Create("deep-lift-shap(samples=3,batch=4)").Explain(model, images, targets, 11);
        var pixels = SeededNoise.Uniform(11, 1, [3, 3, 8, 8], CPU)[0]; // the documented references: U(0, 1) pixels from the seed
        var references = (pixels - tensor(XaiVision.Engine.Imaging.Preprocessing.ImageNetMean).view(1, 3, 1, 1)) / tensor(XaiVision.Engine.Imaging.Preprocessing.ImageNetStd).view(1, 3, 1, 1);
        var meanReference = stack(targets.data<long>().Select(t => Logits(model, references, full(3, t, ScalarType.Int64)).mean()).ToArray());
        var delta = Logits(model, images, targets) - meanReference;
        var sums = map.sum([1, 2]);
        Assert.True(sums.allclose(delta, rtol: 1e-4, atol: 1e-5), $"Σ map {Show(sums)} against y(x) − mean y(x′) {Show(delta)}");
    }

    [Fact]
    public void In_place_modules_stay_in_place_and_a_torchscript_model_is_refused()
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        ExplainerCatalog.Create("deep-lift").Explain(model, randn(1, 3, 8, 8), tensor(new long[] { 0 }), 0);
        Assert.All(ModuleTree.Leaves(model.Network).Select(l => l.Module).OfType<ReLU>(), r => Assert.True(r.inplace));
        using var script = ModelLoader.Load(new ModelSpec("", Fixtures.Path("captum", "net.pt"),
            Preprocessing: XaiVision.Engine.Imaging.Preprocessing.ImageNet(16, 16), AllowTorchScript: true), CPU);
        var error = Assert.Throws<XaiVisionException>(() => ExplainerCatalog.Create("deep-lift").Explain(script, randn(1, 3, 16, 16), tensor(new long[] { 0 }), 0));
        Assert.Contains("TorchScript model hides", error.Message);
    }

    static string Show(Tensor values) => string.Join(", ", values.data<float>().Select(v => v.ToString("G5")));
}
