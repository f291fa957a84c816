using TorchSharp;
using TorchSharp.Modules;
using XaiVision.Engine.Lrp;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;
using static TorchSharp.torch;
using Rule = XaiVision.Engine.Tests.Lrp.ReferenceLrp.Rule;

namespace XaiVision.Engine.Tests.Lrp;

/// <summary>Every composite against the explicit reference, in float64, on the demo net and a random VGG11.</summary>
public class LrpReferenceTests
{
    // The box bounds are the pixel values 0 and 1 normalised in float32, as the model's preprocessing does.
    static readonly double[] Low = [(0f - 0.485f) / 0.229f, (0f - 0.456f) / 0.224f, (0f - 0.406f) / 0.225f];
    static readonly double[] High = [(1f - 0.485f) / 0.229f, (1f - 0.456f) / 0.224f, (1f - 0.406f) / 0.225f];

    /// <summary>Random demo net or VGG11 in float64 (VGG11 at 64×64: features end at 2×2, avgpool replicates to 7×7).</summary>
    internal static ExplainableModel Network(string architecture, int seed)
    {
        random.manual_seed(seed);
        var arch = ArchitectureRegistry.Get(architecture);
        var net = arch.Create(architecture == "vgg11" ? 10 : 5);
        if (architecture == "vgg11") ScaleUp(net);
        net.to(ScalarType.Float64);
        const int size = 64;
        return new ExplainableModel(net, arch, XaiVision.Engine.Imaging.Preprocessing.ImageNet(size, size), null, CPU, architecture);
    }

    /// <summary>torchvision's init shrinks activations through 8 layers; rescale so relevance stays well above rounding.</summary>
    static void ScaleUp(nn.Module net)
    {
        using var _ = no_grad();
        foreach (var m in net.modules())
            if (m is Linear l) l.weight!.mul_(30);
    }

    static List<nn.Module<Tensor, Tensor>> Leaves(ExplainableModel model) =>
        ModuleTree.Leaves(model.Network).Select(m => (nn.Module<Tensor, Tensor>)m.Module).ToList();

    public static IEnumerable<object[]> Cases()
    {
        foreach (var arch in new[] { "demo-shapes", "vgg11" })
        {
            yield return [arch, "lrp-epsilon(epsilon=0.001)", "epsilon"];
            yield return [arch, "lrp-composite", "montavon"];
            yield return [arch, "lrp-composite(pool-epsilon=none)", "montavon-plain-pools"];
            yield return [arch, "lrp-composite(maxpool=winner,gamma=0.5,epsilon=0.1)", "montavon-winner"];
            yield return [arch, "lrp:epsilon-plus-flat", "plus-flat"];
            yield return [arch, "lrp:epsilon-gamma-box(gamma=0.1)", "gamma-box"];
            yield return [arch, "lrp:epsilon-alpha2-beta1", "alpha-beta"];
            yield return [arch, "lrp:epsilon-alpha2-beta1(alpha=1,beta=0)", "alpha1-beta0"];
            yield return [arch, "lrp:epsilon-plus", "plus"];
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Composite_matches_the_explicit_reference(string architecture, string method, string recipe)
    {
        using var scope = NewDisposeScope();
        using var model = Network(architecture, 21);
        var leaves = Leaves(model);
        int size = model.Preprocessing.InputSize;
        random.manual_seed(5);
        var x = randn(new long[] { 2, 3, size, size }, dtype: ScalarType.Float64);
        long[] targets = [1, 3];

        var settings = new ReferenceLrp.Settings(Low: Low, High: High);
        var ruleOf = RecipeFor(recipe, leaves, architecture, ref settings, method);
        var expected = ReferenceLrp.Explain(leaves, ruleOf, x, targets, settings);
        var actual = ((LrpExplainer)ExplainerCatalog.Create(method)).Relevance(model, x, tensor(targets));

        double scale = expected.abs().max().item<double>();
        Assert.True(scale > 1e-6, $"reference relevance is ~0 (max {scale})");
        double error = (actual - expected).abs().max().item<double>();
        Assert.True(error <= 1e-8 * Math.Max(1, scale), $"{method} on {architecture}: max |difference| {error} (max |R| {scale})");
    }

    [Fact]
    public void Wsquare_on_the_first_layer_matches_the_reference()
    {
        using var scope = NewDisposeScope();
        using var model = Network("demo-shapes", 22);
        var leaves = Leaves(model);
        random.manual_seed(8);
        var x = randn(new long[] { 2, 3, 64, 64 }, dtype: ScalarType.Float64);
        long[] targets = [4, 0];
        var composite = new XaiVision.Engine.Lrp.Composites.Composite("w2",
        [
            new("first layer → w²", l => l.IsFirstAffine, _ => new XaiVision.Engine.Lrp.Rules.WSquareRule()),
            new("rest → LRP-0", _ => true, _ => null),
        ]);
        var actual = new LrpExplainer("w2", composite, new Dictionary<string, string>()).Relevance(model, x, tensor(targets));
        var expected = ReferenceLrp.Explain(leaves, i => i == 0 ? Rule.WSquare : leaves[i] is Conv2d or Linear ? Rule.Zero : leaves[i] is MaxPool2d ? Rule.Winner : Rule.Pass,
            x, targets, new ReferenceLrp.Settings());
        double scale = expected.abs().max().item<double>();
        Assert.True(scale > 1e-6);
        Assert.True((actual - expected).abs().max().item<double>() <= 1e-8 * Math.Max(1, scale));
    }

    /// <summary>The layer → rule assignments written out independently of the composites.</summary>
    static Func<int, Rule> RecipeFor(string recipe, List<nn.Module<Tensor, Tensor>> leaves, string architecture, ref ReferenceLrp.Settings s, string method)
    {
        int firstAffine = leaves.FindIndex(l => l is Conv2d or Linear);
        // convolutions in the lower 60 % of max-pool blocks: demo 3 blocks → first 2; VGG11 5 blocks → first 3
        int lowerBlocks = architecture == "vgg11" ? 3 : 2;
        var block = new int[leaves.Count];
        for (int i = 0, b = 0; i < leaves.Count; i++)
        {
            block[i] = b;
            if (leaves[i] is MaxPool2d) b++;
        }
        bool IsConv(int i) => leaves[i] is Conv2d;
        bool IsLinear(int i) => leaves[i] is Linear;
        bool IsPool(int i) => leaves[i] is AdaptiveAvgPool2d or AvgPool2d;
        bool IsMax(int i) => leaves[i] is MaxPool2d;
        Rule Rest(int i) => Rule.Pass;

        switch (recipe)
        {
            case "epsilon":
                s = s with { Epsilon = 0.001 };
                return i => IsConv(i) || IsLinear(i) ? Rule.Epsilon : IsMax(i) || IsPool(i) ? Rule.PoolEpsilon : Rest(i);
            case "montavon":
            case "montavon-plain-pools":
            case "montavon-winner":
                bool winner = recipe == "montavon-winner", plainPools = recipe != "montavon";
                s = s with { Gamma = winner ? 0.5 : 0.25, Epsilon = winner ? 0.1 : 0.25 };
                return i => i == firstAffine ? Rule.ZBox
                    : IsConv(i) ? (block[i] < lowerBlocks ? Rule.Gamma : Rule.EpsilonRms)
                    : IsLinear(i) ? Rule.Zero
                    : IsMax(i) ? (winner ? Rule.Winner : plainPools || block[i] < lowerBlocks ? Rule.MaxAsAverage : Rule.MaxAsAverageEpsilonRms)
                    : IsPool(i) ? Rule.Norm
                    : Rest(i);
            case "plus-flat":
                s = s with { Epsilon = 1e-6 };
                return i => i == firstAffine ? Rule.Flat : IsConv(i) ? Rule.ZPlus : IsLinear(i) ? Rule.Epsilon : IsMax(i) ? Rule.Winner : IsPool(i) ? Rule.Norm : Rest(i);
            case "gamma-box":
                s = s with { Epsilon = 1e-6, Gamma = 0.1 };
                return i => i == firstAffine ? Rule.ZBox : IsConv(i) ? Rule.Gamma : IsLinear(i) ? Rule.Epsilon : IsMax(i) ? Rule.Winner : IsPool(i) ? Rule.Norm : Rest(i);
            case "alpha-beta":
            case "alpha1-beta0":
                s = s with { Epsilon = 1e-6, Alpha = recipe == "alpha-beta" ? 2 : 1, Beta = recipe == "alpha-beta" ? 1 : 0 };
                return i => IsConv(i) ? Rule.AlphaBeta : IsLinear(i) ? Rule.Epsilon : IsMax(i) ? Rule.Winner : IsPool(i) ? Rule.Norm : Rest(i);
            case "plus":
                s = s with { Epsilon = 1e-6 };
                return i => IsConv(i) ? Rule.ZPlus : IsLinear(i) ? Rule.Epsilon : IsMax(i) ? Rule.Winner : IsPool(i) ? Rule.Norm : Rest(i);
            default:
                throw new ArgumentException(recipe);
        }
    }
}
