using TorchSharp;
using TorchSharp.Modules;
using XaiVision.Engine.Lrp;
using XaiVision.Engine.Lrp.Composites;
using XaiVision.Engine.Lrp.Rules;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace XaiVision.Engine.Tests.Lrp;

/// <summary>
/// The generalised γ rule against the original on a residual block where a second convolution's output is negative and
/// still carries relevance (the residual sum keeps it alive), with a negative input into the first convolution too.
/// Expected values come from the equations written out in plain double arithmetic.
/// </summary>
public class GeneralisedGammaTests
{
    /// <summary>
    /// One input channel on a 1×2 image; per pixel p: a = W1·x_p + b1 (2 channels), h = ReLU(a), y = W2·h + b2,
    /// s = y + x_p (the residual), o = ReLU(s); logits = V · (o_0, o_1). 1×1 convolutions, so each pixel is its own small net.
    /// </summary>
    sealed class ResidualNet : Module<Tensor, Tensor>
    {
        public static readonly double[] W1 = [1.0, -0.5], B1 = [0.1, 0.2], W2 = [-0.5, 0.5];
        public const double B2 = 0.05;
        public static readonly double[,] V = { { 1.0, 0.5 }, { 0.3, -0.2 } };

        private readonly Conv2d conv1 = Conv2d(1, 2, 1);
        private readonly ReLU relu1 = ReLU();
        private readonly Conv2d conv2 = Conv2d(2, 1, 1);
        private readonly ReLU relu2 = ReLU();
        private readonly Linear fc = Linear(2, 2, hasBias: false);

        public ResidualNet() : base("ResidualNet")
        {
            RegisterComponents();
            using var _ = no_grad();
            conv1.weight!.copy_(tensor(W1).view(2, 1, 1, 1));
            conv1.bias!.copy_(tensor(B1));
            conv2.weight!.copy_(tensor(W2).view(1, 2, 1, 1));
            conv2.bias!.copy_(tensor(new[] { B2 }));
            fc.weight!.copy_(tensor(new[] { V[0, 0], V[0, 1], V[1, 0], V[1, 1] }).view(2, 2));
        }

        public override Tensor forward(Tensor x) => fc.call(relu2.call(conv2.call(relu1.call(conv1.call(x))) + x).flatten(1));
    }

    static readonly double[] X = [2.0, -0.15]; // pixel 0: y = −1.0 < 0 but s = 1.0 > 0; pixel 1: a negative input into conv1, y > 0

    static LrpExplainer GammaEverywhere(double gamma, bool original) => new("test-gamma", new Composite("test",
    [
        new("convolutions → γ", l => l.Kind == LayerKind.Convolution, _ => original ? new OriginalGammaRule(gamma) : new GammaRule(gamma)),
        new("dense → LRP-0", l => l.Kind == LayerKind.Linear, _ => null),
        new("activations → pass", l => l.Kind == LayerKind.Activation, _ => null),
    ]), new Dictionary<string, string>());

    /// <summary>
    /// The relevance one γ layer sends to its inputs, for an output j with relevance r: generalised — by the sign of the
    /// output, through z⁺ or z⁻; original — through z = Σ a (w + γw⁺) + b + γb⁺ whatever the signs.
    /// </summary>
    static double[] GammaLayer(double[] a, double[] w, double b, double y, double r, double gamma, bool original)
    {
        static double Plus(double v) => Math.Max(v, 0);
        static double Minus(double v) => Math.Min(v, 0);
        double Favour(double weight, bool up) => weight + gamma * (up ? Plus(weight) : Minus(weight));
        var contributions = new double[a.Length];
        double z;
        if (original)
        {
            for (int i = 0; i < a.Length; i++) contributions[i] = a[i] * (w[i] + gamma * Plus(w[i]));
            z = contributions.Sum() + b + gamma * Plus(b);
        }
        else
        {
            if (y == 0) return new double[a.Length];
            bool positive = y > 0;
            for (int i = 0; i < a.Length; i++)
            {
                contributions[i] = Plus(a[i]) * Favour(w[i], positive) + Minus(a[i]) * Favour(w[i], !positive);
            }
            z = contributions.Sum() + b + gamma * (positive ? Plus(b) : Minus(b));
        }
        z += z >= 0 ? 1e-9 : -1e-9;
        return contributions.Select(c => c / z * r).ToArray();
    }

    /// <summary>The textbook pass: LRP-0 on the dense layer, ReLUs pass, the residual sum splits by contribution, γ on both convolutions.</summary>
    static double[] Textbook(double gamma, bool original, int target)
    {
        var map = new double[2];
        var o = new double[2];
        var (h, y, s) = (new double[2][], new double[2], new double[2]);
        for (int p = 0; p < 2; p++)
        {
            h[p] = [Math.Max(0, ResidualNet.W1[0] * X[p] + ResidualNet.B1[0]), Math.Max(0, ResidualNet.W1[1] * X[p] + ResidualNet.B1[1])];
            y[p] = ResidualNet.W2[0] * h[p][0] + ResidualNet.W2[1] * h[p][1] + ResidualNet.B2;
            s[p] = y[p] + X[p];
            o[p] = Math.Max(0, s[p]);
        }
        for (int p = 0; p < 2; p++)
        {
            double relevanceO = o[p] * ResidualNet.V[target, p]; // LRP-0 without bias: R = a·w (the logit's share)
            double relevanceS = relevanceO;                        // ReLU passes
            double relevanceY = y[p] / s[p] * relevanceS, relevanceShortcut = X[p] / s[p] * relevanceS;
            var relevanceH = GammaLayer(h[p], ResidualNet.W2, ResidualNet.B2, y[p], relevanceY, gamma, original);
            for (int i = 0; i < 2; i++)
            {
                double a = ResidualNet.W1[i] * X[p] + ResidualNet.B1[i];
                map[p] += GammaLayer([X[p]], [ResidualNet.W1[i]], ResidualNet.B1[i], a, relevanceH[i], gamma, original)[0]; // ReLU passes into conv1
            }
            map[p] += relevanceShortcut;
        }
        return map;
    }

    [Theory]
    [InlineData(0.25, false)]
    [InlineData(0.25, true)]
    [InlineData(1.0, false)]
    [InlineData(1.0, true)]
    public void Both_variants_match_the_equations_on_a_residual_block(double gamma, bool original)
    {
        using var scope = NewDisposeScope();
        var net = new ResidualNet();
        net.to(ScalarType.Float64);
        using var model = TinyNets.Wrap(net, "conv1", 2);
        var x = tensor(X).view(1, 1, 1, 2);
        var map = GammaEverywhere(gamma, original).Explain(model, x, tensor(new long[] { 0 }), 0).view(2).data<double>().ToArray();
        var expected = Textbook(gamma, original, 0);
        for (int p = 0; p < 2; p++) Assert.Equal(expected[p], map[p], 7); // the stabilisers (1e-9) differ from none in the 9th digit
    }

    [Fact]
    public void The_variants_differ_where_a_negative_output_carries_relevance_and_agree_at_gamma_zero()
    {
        var (generalised, original) = (Textbook(0.25, false, 0), Textbook(0.25, true, 0));
        Assert.True(Math.Abs(generalised[0] - original[0]) > 0.01, $"pixel 0 (negative conv2 output): {generalised[0]} vs {original[0]}");
        Assert.True(Math.Abs(generalised[1] - original[1]) > 0.001, $"pixel 1 (negative conv1 input): {generalised[1]} vs {original[1]}");
        var (g0, o0) = (Textbook(0, false, 0), Textbook(0, true, 0));
        for (int p = 0; p < 2; p++) Assert.Equal(g0[p], o0[p], 9);
    }

    [Theory]
    [InlineData("vgg11", "lrp:epsilon-gamma-box")]
    [InlineData("demo-shapes", "lrp-composite")]
    public void On_vgg_style_nets_the_two_variants_give_the_same_maps(string architecture, string method)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(8);
        var arch = ArchitectureRegistry.Get(architecture);
        using var model = new ExplainableModel(arch.Create(5), arch, XaiVision.Engine.Imaging.Preprocessing.ImageNet(64, 64), null, CPU, architecture);
        var x = randn(2, 3, 64, 64);
        var targets = tensor(new long[] { 1, 3 });
        var generalised = ExplainerCatalog.Create(method).Explain(model, x, targets, 0);
        var original = ExplainerCatalog.Create($"{method}(gamma-variant=original)").Explain(model, x, targets, 0);
        var scale = generalised.abs().max().item<float>();
        Assert.True(scale > 0);
        Assert.True((generalised - original).abs().max().item<float>() <= 1e-4f * scale);
    }
}
