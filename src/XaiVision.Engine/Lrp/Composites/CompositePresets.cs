using XaiVision.Engine.Explainers;
using XaiVision.Engine.Lrp.Rules;
using XaiVision.Engine.Models;

namespace XaiVision.Engine.Lrp.Composites;

/// <summary>
/// Named composites. Every table ends with the catch-all rows for layers that only pass
/// relevance on (activations, dropout, reshapes, canonized BatchNorm).
/// <list type="bullet">
/// <item><c>lrp-epsilon</c>: ε (default 1e-9) on every convolution, linear and pooling layer; max-pooling
/// thereby passes relevance to the winner — Captum's <c>LRP</c> defaults.</item>
/// <item><c>lrp-composite</c>: Montavon et al. 2019 ("Layer-wise relevance propagation: an overview") for
/// VGG: z^B on the first layer; γ = 0.25 on the convolutions of the lower 60 % of the convolutional blocks
/// (VGG16: blocks 1–3 = features.0–16); ε = 0.25·rms(z) on the other convolutions (VGG16: features.17–30);
/// LRP-0 on the dense layers (dense layers are convolutions over a 1×1 map, so the same rules hold);
/// max-pooling as average pooling, with the upper range's ε·rms on the upper blocks' pools as the tutorial code does
/// (<c>pool-epsilon=none</c>: plain, as before 2026-12-01). Blocks: VGG/demo — the max-pool blocks of <c>features</c>;
/// ResNet — conv1 and layer1–4 (γ on conv1, layer1, layer2; ε on layer3, layer4). γ is the generalised rule
/// (<see cref="GammaRule"/>; identical to the original on VGG), the original by <c>gamma-variant=original</c>.</item>
/// <item>Zennit's presets <c>lrp:epsilon-plus-flat</c>, <c>lrp:epsilon-gamma-box</c>,
/// <c>lrp:epsilon-alpha2-beta1</c>, <c>lrp:epsilon-plus</c>: ε = 1e-6 on dense layers; convolutions z⁺,
/// γ = 0.25 or α2β1; first layer flat or z^B where the name says; average pooling Norm; max-pooling
/// winner-take-all.</item>
/// <item><c>lrp:attnlrp</c> (vision transformers): LXT's torchvision ViT recipe (Achtibat et al. 2024, AttnLRP; <see cref="AttnLrp"/>).</item>
/// </list>
/// </summary>
public static class CompositePresets
{
    public static readonly IReadOnlyList<string> ZennitNames = ["epsilon-plus-flat", "epsilon-gamma-box", "epsilon-alpha2-beta1", "epsilon-plus"];

    static CompositeEntry PassThrough => new("activations, dropout, reshapes, BatchNorm, identity, class-score pool → pass",
        l => l.Kind is LayerKind.Activation or LayerKind.Dropout or LayerKind.Reshape or LayerKind.BatchNorm or LayerKind.Identity or LayerKind.ClassScore,
        l => l.Module is TorchSharp.Modules.ReLU6 ? new PassRule() : null); // ReLU's gradient already passes; ReLU6 clips, so it needs the rule

    public static Composite Epsilon(MethodSpec spec)
    {
        double epsilon = spec.Double("epsilon", 1e-9, 0, 1e6);
        return new Composite("lrp-epsilon",
        [
            new($"conv, linear, pooling → ε({epsilon})", l => l.Kind is LayerKind.Convolution or LayerKind.Linear or LayerKind.MaxPool or LayerKind.AveragePool,
                _ => new EpsilonRule(epsilon)),
            PassThrough,
        ]);
    }

    public static Composite LrpComposite(MethodSpec spec)
    {
        double gamma = spec.Double("gamma", 0.25, 0, 1e6);
        var gammaRule = GammaVariant(spec);
        double epsilon = spec.Double("epsilon", 0.25, 0, 1e6);
        bool averageMaxPool = spec.Choice("maxpool", true, new Dictionary<string, bool> { ["average"] = true, ["winner"] = false });
        // The recipe applies each range's rule to its pooling layers too: ε·rms on the upper blocks' pools ("none": plain 1e-9).
        bool poolEpsilon = spec.Choice("pool-epsilon", true, new Dictionary<string, bool> { ["recipe"] = true, ["none"] = false });
        return new Composite("lrp-composite",
        [
            new("first layer → z^B", l => l.IsFirstAffine, _ => new ZBoxRule()),
            new($"lower convolution blocks → γ({gamma})", l => l.Kind == LayerKind.Convolution && IsLower(l), _ => gammaRule(gamma)),
            new($"upper convolution blocks → ε({epsilon}·rms)", l => l.Kind == LayerKind.Convolution, _ => new EpsilonRule(epsilon, relative: true)),
            new("dense layers → LRP-0", l => l.Kind == LayerKind.Linear, _ => null),
            new($"upper max-pooling → as average pooling, ε({epsilon}·rms)", l => l.Kind == LayerKind.MaxPool && averageMaxPool && poolEpsilon && !IsLower(l),
                _ => new AverageForMaxPoolRule(epsilon)),
            new(averageMaxPool ? "max-pooling → as average pooling" : "max-pooling → winner", l => l.Kind == LayerKind.MaxPool,
                _ => averageMaxPool ? new AverageForMaxPoolRule() : null),
            new("average pooling → norm", l => l.Kind == LayerKind.AveragePool, _ => new NormRule()),
            PassThrough,
        ]);
    }

    /// <summary>Lower 60 % of the blocks that hold convolutions.</summary>
    static bool IsLower(LayerInfo l) => l.Block < Math.Ceiling(0.6 * ConvolutionBlocks(l));

    static int ConvolutionBlocks(LayerInfo l) => l.BlockCount - 1; // the last block holds the dense head

    public static Composite Zennit(string preset, MethodSpec spec)
    {
        double epsilon = spec.Double("epsilon", 1e-6, 0, 1e6);
        var dense = new CompositeEntry($"dense → ε({epsilon})", l => l.Kind == LayerKind.Linear, _ => new EpsilonRule(epsilon));
        var pools = new CompositeEntry("average pooling → norm; max-pooling → winner", l => l.Kind is LayerKind.AveragePool or LayerKind.MaxPool,
            l => l.Kind == LayerKind.AveragePool ? new NormRule() : null);
        CompositeEntry Conv(string what, Func<ILrpRule> rule) => new($"convolutions → {what}", l => l.Kind == LayerKind.Convolution, _ => rule());
        CompositeEntry First(string what, Func<ILrpRule> rule) => new($"first layer → {what}", l => l.IsFirstAffine, _ => rule());

        IReadOnlyList<CompositeEntry> table = preset switch
        {
            "epsilon-plus-flat" => [First("flat", () => new FlatRule()), Conv("z⁺", () => new ZPlusRule()), dense, pools, PassThrough],
            "epsilon-gamma-box" => Gamma(spec, (g, rule) => [First("z^B", () => new ZBoxRule()), Conv($"γ({g})", () => rule(g)), dense, pools, PassThrough]),
            "epsilon-alpha2-beta1" => AlphaBeta(spec, (a, b) => [Conv($"α{a}β{b}", () => new AlphaBetaRule(a, b)), dense, pools, PassThrough]),
            "epsilon-plus" => [Conv("z⁺", () => new ZPlusRule()), dense, pools, PassThrough],
            _ => throw new XaiVisionException($"Unknown LRP preset '{preset}'. Known: {string.Join(", ", ZennitNames)} (and lrp-epsilon, lrp-composite; lrp:attnlrp for ViT)."),
        };
        return new Composite("lrp:" + preset, table);
    }

    /// <summary>
    /// AttnLRP for torchvision's ViT as LXT configures it (<c>lxt/efficient/models/vit_torch.py</c> with zennit's γ on Conv2d and
    /// Linear, its <c>examples/vit_torch.py</c>): γ (<c>conv-gamma</c>, default 0.25) on the patch embedding, γ (<c>linear-gamma</c>, default
    /// 0.05; LXT grid-searches both, its grid spans 0–1) on the MLP and head layers, the identity rule on LayerNorm's standard deviation
    /// and on GELU, LRP-0 on the attention's output projection (LXT's hooks do not reach it either). Inside the attention,
    /// <c>attention=cp</c> (default, LXT's choice for ViT: "easier to tune for gamma"): CP-LRP, no relevance through the softmax;
    /// <c>attention=attnlrp</c>: AttnLRP's uniform rule on the two products (values ÷ 2, queries and keys ÷ 4) and the softmax's own
    /// gradient, which is AttnLRP's softmax rule in input ⊙ gradient form.
    /// </summary>
    public static Composite AttnLrp(MethodSpec spec)
    {
        double convGamma = spec.Double("conv-gamma", 0.25, 0, 1e6), linearGamma = spec.Double("linear-gamma", 0.05, 0, 1e6);
        bool conservative = spec.Choice("attention", true, new Dictionary<string, bool> { ["cp"] = true, ["attnlrp"] = false });
        static bool Operand(LayerInfo l, params AttentionRole[] roles) => l.Module is AttentionOperand o && roles.Contains(o.Role);
        return new Composite("lrp:attnlrp",
        [
            new($"patch embedding → γ({convGamma})", l => l.Kind == LayerKind.Convolution, _ => new GammaRule(convGamma)),
            conservative
                ? new("attention queries, keys → cut (CP-LRP: no relevance through the softmax)", l => Operand(l, AttentionRole.Query, AttentionRole.Key), _ => new CutRule())
                : new("attention queries, keys → uniform ÷ 4", l => Operand(l, AttentionRole.Query, AttentionRole.Key), _ => new UniformRule(4)),
            new(conservative ? "attention values → pass" : "attention values → uniform ÷ 2", l => Operand(l, AttentionRole.Value), _ => conservative ? null : new UniformRule(2)),
            new("attention output projection → LRP-0", l => l.Kind == LayerKind.Linear && l.Name.EndsWith(".out_proj", StringComparison.Ordinal), _ => null),
            new($"linear → γ({linearGamma})", l => l.Kind == LayerKind.Linear, _ => new GammaRule(linearGamma)),
            new("LayerNorm → identity on the std", l => l.Kind == LayerKind.LayerNorm, _ => new LayerNormIdentityRule()),
            new("GELU → identity", l => l.Module is TorchSharp.Modules.GELU, _ => new PassRule()),
            PassThrough,
        ]) { ForTransformers = true };
    }

    static IReadOnlyList<CompositeEntry> Gamma(MethodSpec spec, Func<double, Func<double, ILrpRule>, IReadOnlyList<CompositeEntry>> build) =>
        build(spec.Double("gamma", 0.25, 0, 1e6), GammaVariant(spec));

    /// <summary>
    /// <c>gamma-variant=generalised</c> (default; Andéol et al. 2021, as Zennit) or <c>original</c> (Montavon et al. 2019). They
    /// agree on VGG, where every γ layer feeds a ReLU; on residual nets only the generalised rule is meaningful.
    /// </summary>
    static Func<double, ILrpRule> GammaVariant(MethodSpec spec) => spec.Choice("gamma-variant", g => new GammaRule(g),
        new Dictionary<string, Func<double, ILrpRule>> { ["generalised"] = g => new GammaRule(g), ["generalized"] = g => new GammaRule(g), ["original"] = g => new OriginalGammaRule(g) });

    static IReadOnlyList<CompositeEntry> AlphaBeta(MethodSpec spec, Func<double, double, IReadOnlyList<CompositeEntry>> build)
    {
        double alpha = spec.Double("alpha", 2, 0, 1e6);
        double beta = spec.Double("beta", alpha - 1, 0, 1e6);
        new AlphaBetaRule(alpha, beta); // validates α − β = 1 before any image is touched
        return build(alpha, beta);
    }
}
