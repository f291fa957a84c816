using XaiVision.Engine.Lrp;
using XaiVision.Engine.Lrp.Rules;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Lrp;

/// <summary>
/// <c>lrp:attnlrp</c> beyond the LXT reference: conservation on a bias-free ViT, the LayerNorm rule by hand, torchvision's ViT-B/16, the
/// refusals on both sides (CNN rules on ViT, transformer rules on CNNs, CRP on ViT). Leaks: ResourceTests (they count tensors alone).
/// </summary>
public class AttnLrpTests
{
    [Fact]
    public void Cp_lrp_conserves_the_logit_on_a_vit_without_biases()
    {
        using var scope = NewDisposeScope();
        using var model = AttnLrpReferenceTests.Model();
        using (no_grad())
            foreach (var (name, p) in model.Network.named_parameters())
                if (name.EndsWith("bias", StringComparison.Ordinal) || name is "class_token" or "encoder.pos_embedding") p.zero_();
        var x = AttnLrpReferenceTests.Input();
        var targets = tensor(new long[] { 1, 3, 4 });
        Tensor logits;
        using (no_grad()) logits = model.Forward(x);
        var maps = ExplainerCatalog.Create("lrp:attnlrp").Explain(model, x, targets, 0);
        for (int i = 0; i < 3; i++)
        {
            double logit = logits[i, targets[i]].item<float>(), total = maps[i].sum().item<float>();
            Assert.True(Math.Abs(total - logit) <= 1e-4 * Math.Abs(logit) + 1e-6, $"image {i}: ΣR = {total}, logit = {logit}");
        }
        // AttnLRP's softmax rule is not conservative (its linearisation leaves a bias term): the two attention rules differ.
        var uniform = ExplainerCatalog.Create("lrp:attnlrp(attention=attnlrp)").Explain(model, x, targets, 0);
        Assert.True((uniform - maps).abs().max().item<float>() > 1e-3 * maps.abs().max().item<float>());
    }

    /// <summary>y = (x − mean) / std · w with std held: R_x = x ⊙ (w − mean(w)) · R_y/y … by hand for Σ y as the score (R_y = y).</summary>
    [Fact]
    public void The_layernorm_rule_holds_the_std_and_conserves()
    {
        // The module outside the test's dispose scope and disposed by the test: made inside the scope and left undisposed, it crashed
        // the test host minutes later in a finalizer (libLibTorchSharp, a tensor's reference count).
        using var norm = nn.LayerNorm(3, eps: 0);
        using var leaves = new LrpLeaves();
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            norm.weight.copy_(tensor(new[] { 1f, -1f, 2f }));
            norm.bias!.zero_();
        }
        var x = tensor(new double[] { 1, 2, 6 }).to(float32).requires_grad_(true);
        var y = new LayerNormIdentityRule().Forward(new LrpCall("ln", norm, x, norm.call(x), leaves, new LrpInputBounds([], [])));
        var gradient = autograd.grad([y.sum()], [x])[0];
        var relevance = (x * gradient).detach();
        double std = Math.Sqrt(((1 - 3.0) * (1 - 3.0) + (2 - 3.0) * (2 - 3.0) + (6 - 3.0) * (6 - 3.0)) / 3); // mean 3
        double meanWeight = (1 - 1 + 2) / 3.0;
        double[] expected = [1 * (1 - meanWeight) / std, 2 * (-1 - meanWeight) / std, 6 * (2 - meanWeight) / std];
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], relevance[i].item<float>(), 1e-5);
        Assert.Equal(y.sum().item<float>(), relevance.sum().item<float>(), 1e-5); // Σ R_x = Σ R_y = Σ y
        Assert.Equal(norm.call(x).detach().data<float>().ToArray(), y.detach().data<float>().ToArray()); // the value is the layer's own
    }

    [Theory]
    [InlineData("lrp:attnlrp")]
    [InlineData("lrp:attnlrp(attention=attnlrp)")]
    public void Torchvisions_vit_b_16_gets_finite_varied_maps(string method)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(4);
        var architecture = ArchitectureRegistry.Get("vit_b_16");
        using var model = new ExplainableModel(architecture.Create(10), architecture, XaiVision.Engine.Imaging.Preprocessing.ImageNet(224, 224), null, CPU, "vit_b_16");
        var maps = ExplainerCatalog.Create(method).Explain(model, randn(1, 3, 224, 224), tensor(new long[] { 7 }), 0);
        Assert.Equal(new long[] { 1, 224, 224 }, maps.shape);
        Assert.True(maps.isfinite().all().item<bool>());
        Assert.True(maps.std().item<float>() > 0);
        Assert.Empty(SuiteCompiler.Compile([method], [], [], SuiteCompiler.Paths.JobSpec, architecture).Problems);
    }

    [Fact]
    public void Each_side_refuses_the_others_rules_with_the_reason()
    {
        using var scope = NewDisposeScope();
        var vit = AttnLrpReferenceTests.Small(new ViTShape(32, 8, 16, 2, 2, 32));
        using var small = new ExplainableModel(vit.Create(5), vit, XaiVision.Engine.Imaging.Preprocessing.ImageNet(32, 32), null, CPU, vit.Name);
        var cnnRules = Assert.Throws<XaiVisionException>(() => ExplainerCatalog.Create("lrp:epsilon-plus-flat").Explain(small, randn(1, 3, 32, 32), tensor(new long[] { 0 }), 0));
        Assert.Contains("use lrp:attnlrp", cnnRules.Message);
        var concepts = Assert.Throws<XaiVisionException>(() => ExplainerCatalog.Create("crp:attnlrp").Explain(small, randn(1, 3, 32, 32), tensor(new long[] { 0 }), 0));
        Assert.Contains("CRP is not offered for ViT", concepts.Message);
        using var demo = TinyNets.RandomDemo();
        var transformerRules = Assert.Throws<XaiVisionException>(() => ExplainerCatalog.Create("lrp:attnlrp").Explain(demo, randn(1, 3, 64, 64), tensor(new long[] { 0 }), 0));
        Assert.Contains("is for vision transformers", transformerRules.Message);
        var (_, problems) = SuiteCompiler.Compile(["lrp:attnlrp", "saliency", "crp"], [], [], SuiteCompiler.Paths.JobSpec, ArchitectureRegistry.Get("vit_b_32"));
        Assert.Equal(["suite.explainers[2]"], problems.Select(p => p.Path));
        (_, problems) = SuiteCompiler.Compile(["lrp:attnlrp", "saliency"], [], [], SuiteCompiler.Paths.JobSpec, ArchitectureRegistry.Get("vgg16"));
        Assert.Equal(["suite.explainers[0]"], problems.Select(p => p.Path));
        Assert.Contains("attention must be one of cp, attnlrp", Assert.Throws<XaiVisionException>(() => ExplainerCatalog.Create("lrp:attnlrp(attention=softmax)")).Message);
    }
}
