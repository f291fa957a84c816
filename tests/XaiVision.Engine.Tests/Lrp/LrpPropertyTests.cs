using TorchSharp;
using TorchSharp.Modules;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Lrp;
using XaiVision.Engine.Lrp.Composites;
using XaiVision.Engine.Lrp.Rules;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Lrp;

public class LrpPropertyTests
{
    static ExplainableModel Float64(string architecture, int seed, bool zeroBiases, int classes = 5)
    {
        random.manual_seed(seed);
        var arch = ArchitectureRegistry.Get(architecture);
        var net = arch.Create(classes);
        using (no_grad())
        {
            foreach (var m in net.modules())
            {
                // torchvision initialises MobileNet's depthwise convolutions by fan-out (9·C), which makes random activations
                // vanish over 17 blocks (trained weights do not); fan-in keeps the logits non-trivial for the property.
                if (architecture.StartsWith("mobilenet") && m is Conv2d conv) nn.init.kaiming_normal_(conv.weight!, mode: nn.init.FanInOut.FanIn);
                if (zeroBiases && m is Conv2d { bias: { } cb }) cb.zero_();
                if (zeroBiases && m is Linear { bias: { } lb }) lb.zero_();
                if (m is BatchNorm2d bn)
                {
                    // Random, non-trivial statistics; with zero biases the merged bias is zero too.
                    bn.running_var!.copy_(rand(bn.num_features) + 0.5);
                    bn.weight!.copy_(rand(bn.num_features) + 0.5);
                    bn.running_mean!.copy_(zeroBiases ? zeros(bn.num_features) : randn(bn.num_features) * 0.1);
                    bn.bias!.copy_(zeroBiases ? zeros(bn.num_features) : randn(bn.num_features) * 0.1);
                }
            }
        }
        net.to(ScalarType.Float64);
        return new ExplainableModel(net, arch, Preprocessing.ImageNet(64, 64), null, CPU, architecture);
    }

    public static IEnumerable<object[]> ConservingMethods() =>
        from arch in new[] { "demo-shapes", "vgg11_bn", "resnet18", "mobilenet_v2" }
        from method in new[]
        {
            // αβ is left out on purpose: it conserves only where an output has both positive and negative contributions.
            "lrp-epsilon(epsilon=0)", "lrp-composite(epsilon=0)", "lrp:epsilon-plus-flat(epsilon=0)", "lrp:epsilon-gamma-box(epsilon=0)",
            "lrp:epsilon-plus(epsilon=0)", "lrp:epsilon-alpha2-beta1(alpha=1,beta=0,epsilon=0)",
        }
        select new object[] { arch, method };

    /// <summary>With zero biases every conserving rule keeps Σ R_input = logit (float64: to rounding).</summary>
    [Theory]
    [MemberData(nameof(ConservingMethods))]
    public void Relevance_is_conserved_without_biases(string architecture, string method)
    {
        using var scope = NewDisposeScope();
        using var model = Float64(architecture, 31, zeroBiases: true);
        random.manual_seed(4);
        var x = randn(new long[] { 2, 3, 64, 64 }, dtype: ScalarType.Float64);
        var targets = tensor(new long[] { 0, 2 });
        var total = ExplainerCatalog.Create(method).Explain(model, x, targets, 0).sum([1, 2]);
        Tensor logits;
        using (no_grad()) logits = model.Forward(x).gather(1, targets.unsqueeze(1)).squeeze(1);
        for (int i = 0; i < 2; i++)
        {
            double logit = logits[i].item<double>(), sum = total[i].item<double>();
            Assert.True(Math.Abs(logit) > 1e-6, "non-trivial logit");
            Assert.True(Math.Abs(sum - logit) <= 1e-4 * Math.Abs(logit), $"{method} on {architecture}: Σ R = {sum}, logit = {logit}");
        }
    }

    /// <summary>LRP-0 is input × gradient: on ResNet18 this checks the BatchNorm merge and the residual split together.</summary>
    [Theory]
    [InlineData("resnet18")]
    [InlineData("vgg11_bn")]
    public void Lrp_zero_equals_input_times_gradient_through_batchnorm_and_residuals(string architecture)
    {
        using var scope = NewDisposeScope();
        using var model = Float64(architecture, 32, zeroBiases: false);
        random.manual_seed(5);
        var x = randn(new long[] { 2, 3, 64, 64 }, dtype: ScalarType.Float64);
        var targets = tensor(new long[] { 3, 1 });
        var lrp = ExplainerCatalog.Create("lrp-epsilon(epsilon=0)").Explain(model, x, targets, 0);
        var ixg = ExplainerCatalog.Create("input-x-gradient").Explain(model, x, targets, 0);
        Assert.True(lrp.allclose(ixg, rtol: 1e-9, atol: 1e-12), $"max difference {(lrp - ixg).abs().max().item<double>()}");
    }

    [Fact]
    public void Tiny_epsilon_equals_input_x_gradient_on_the_trained_demo()
    {
        using var scope = NewDisposeScope();
        using var model = ModelLoader.Load(XaiVision.Engine.Demo.DemoAssets.ModelSpec, CPU);
        random.manual_seed(6);
        var x = randn(3, 3, 64, 64);
        var targets = tensor(new long[] { 0, 1, 2 });
        var lrp = ExplainerCatalog.Create("lrp-epsilon").Explain(model, x, targets, 0);
        var ixg = ExplainerCatalog.Create("input-x-gradient").Explain(model, x, targets, 0);
        Assert.True(lrp.allclose(ixg, rtol: 1e-4, atol: 2e-5), $"max difference {(lrp - ixg).abs().max().item<float>()}");
    }

    /// <summary>
    /// CamNet by hand: y_t = Σ_k V_tk·mean_p A_kp, A = ReLU(U x). With lrp:epsilon-plus: head ε (≈ LRP-0),
    /// mean LRP-0 → R(A_kp) = V_tk A_kp / 4; ReLU passes; conv z⁺ → R(x_cp) = Σ_k (x⁺U⁺ + x⁻U⁻)_kcp / Σ_c(…) · R(A_kp).
    /// </summary>
    [Fact]
    public void Zplus_on_a_hand_weighted_net_matches_arithmetic()
    {
        float[] u = [1.0f, -0.5f, 0.25f, -0.3f, 0.8f, 0.6f];
        float[] v = [0.9f, 0.4f, 0.7f, 1.2f];
        float[] x = Enumerable.Range(0, 12).Select(i => MathF.Sin(i * 2.3f + 0.4f)).ToArray(); // 1 image 3×2×2
        using var model = TinyNets.Wrap(new TinyNets.CamNet(u, v));
        using var input = tensor(x).view(1, 3, 2, 2);
        using var target = tensor(new long[] { 1 });
        var actual = ((LrpExplainer)ExplainerCatalog.Create("lrp:epsilon-plus")).Relevance(model, input, target).data<float>().ToArray();

        var expected = new double[12];
        for (int p = 0; p < 4; p++)
            for (int k = 0; k < 2; k++)
            {
                double a = Math.Max(0, Enumerable.Range(0, 3).Sum(c => (double)u[k * 3 + c] * x[c * 4 + p]));
                double rA = v[1 * 2 + k] * a / 4;
                double Contribution(int c) => x[c * 4 + p] >= 0 ? x[c * 4 + p] * Math.Max(0, u[k * 3 + c]) : x[c * 4 + p] * Math.Min(0, u[k * 3 + c]);
                double denominator = Enumerable.Range(0, 3).Sum(Contribution);
                for (int c = 0; c < 3; c++) expected[c * 4 + p] += denominator == 0 ? 0 : Contribution(c) / denominator * rA;
            }
        Assert.Contains(expected, e => e > 0.01);
        for (int i = 0; i < 12; i++) Assert.Equal(expected[i], actual[i], 1e-5);
    }

    /// <summary>A rule that fails in the middle of the forward pass.</summary>
    sealed class ExplodingRule : ILrpRule
    {
        public string Name => "explode";
        public Tensor Forward(LrpCall call) => throw new InvalidOperationException("boom");
    }

    [Theory]
    [InlineData("vgg11_bn")]
    [InlineData("demo-shapes")]
    public void Composites_and_canonizers_leave_no_trace_even_after_an_exception(string architecture)
    {
        using var scope = NewDisposeScope();
        using var model = Float64(architecture, 33, zeroBiases: false);
        random.manual_seed(7);
        var x = randn(new long[] { 1, 3, 64, 64 }, dtype: ScalarType.Float64);
        Tensor before;
        using (no_grad()) before = model.Forward(x);
        var parameters = model.Network.named_parameters().ToDictionary(p => p.name, p => (p.parameter, p.parameter.clone()));

        ExplainerCatalog.Create("lrp-composite").Explain(model, x, tensor(new long[] { 1 }), 0);
        var exploding = new LrpExplainer("explode", new Composite("explode",
        [
            new CompositeEntry("last convolution explodes", l => l.Module is Conv2d && l.Name == ModuleTree.Leaves(model.Network).Last(m => m.Module is Conv2d).Name, _ => new ExplodingRule()),
            new CompositeEntry("everything else LRP-0", _ => true, _ => null),
        ]), new Dictionary<string, string>());
        Assert.Throws<InvalidOperationException>(() => exploding.Explain(model, x, tensor(new long[] { 1 }), 0));

        Tensor after;
        using (no_grad()) after = model.Forward(x);
        Assert.True(before.equal(after).all().item<bool>(), "model output changed");
        foreach (var (name, (original, copy)) in parameters)
        {
            var now = model.Network.named_parameters().Single(p => p.name == name).parameter;
            Assert.Same(original, now);
            Assert.True(now.equal(copy).all().item<bool>(), $"{name} changed");
        }
    }

    [Theory]
    [InlineData("lrp:epsilon-alpha2-beta1(alpha=2,beta=2)", "α − β = 1")]
    [InlineData("lrp:epsilon-plus-flat(gamma=0.3)", "has no parameter 'gamma'")]
    [InlineData("lrp:epsilon-zzz", "Unknown LRP preset 'epsilon-zzz'")]
    [InlineData("lrp-composite(maxpool=median)", "maxpool must be one of average, winner")]
    public void Bad_lrp_methods_are_named(string method, string message) =>
        Assert.Contains(message, Assert.Throws<XaiVisionException>(() => ExplainerCatalog.Create(method)).Message);

    [Fact]
    public void Input_replacing_rules_only_sit_on_the_first_layer()
    {
        using var model = TinyNets.RandomDemo();
        var composite = new Composite("bad", [new CompositeEntry("every conv flat", l => l.Kind == LayerKind.Convolution, _ => new FlatRule()), new CompositeEntry("rest", _ => true, _ => null)]);
        var error = Assert.Throws<XaiVisionException>(() => composite.Assign(LayerInfo.Describe(model.Network, "vgg")));
        Assert.Contains("may only sit on the first layer, not 'features.3'", error.Message);
    }

    sealed class EluNet : nn.Module<Tensor, Tensor>
    {
        private readonly Sequential features = nn.Sequential(nn.Conv2d(3, 2, 1), nn.ELU());
        public EluNet() : base("EluNet") => RegisterComponents();
        public override Tensor forward(Tensor x) => features.call(x).mean([1, 2, 3]).unsqueeze(1);
    }

    [Fact]
    public void Unknown_layer_types_are_refused_by_name()
    {
        var error = Assert.Throws<XaiVisionException>(() => LayerInfo.Describe(new EluNet(), "test"));
        Assert.Contains("LRP has no rule for layer 'features.1' (ELU)", error.Message);
    }
}
