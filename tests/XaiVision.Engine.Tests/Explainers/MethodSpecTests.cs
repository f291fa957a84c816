using XaiVision.Engine.Explainers;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Explainers;

public class MethodSpecTests
{
    [Fact]
    public void Lists_keep_commas_inside_parentheses()
    {
        var specs = MethodSpec.ParseList("grad-cam, integrated-gradients(steps=8,baseline=black),saliency");
        Assert.Equal(["grad-cam", "integrated-gradients", "saliency"], specs.Select(s => s.Name));
        using var model = TinyNets.RandomDemo();
        var ig = ExplainerCatalog.Create(specs[1]).Describe(model);
        Assert.Equal("8", ig["steps"]);
        Assert.Equal("black", ig["baseline"]);
        Assert.Equal("features.9", ExplainerCatalog.Create(specs[0]).Describe(model)["layer"]);
    }

    [Theory]
    [InlineData("grad-cam(step=3)", "has no parameter 'step'; it accepts: layer")]
    [InlineData("integrated-gradients(steps=-1)", "steps must be a whole number from 1")]
    [InlineData("integrated-gradients(baseline=grey)", "baseline must be one of zero, black")]
    [InlineData("gradcam-pp", "Unknown method 'gradcam-pp'. Known: grad-cam")]
    [InlineData("grad-cam(layer", "missing ')'")]
    [InlineData("smoothgrad(samples)", "is not name=value")]
    [InlineData("grad-cam(layers=features.9)", "layers must name two or more different layers joined by '+'")]
    [InlineData("grad-cam(layers=features.9+features.9)", "layers must name two or more different layers")]
    [InlineData("grad-cam(layer=features.4,layers=features.4+features.9)", "give layer (one) or layers (several, joined by '+'), not both")]
    [InlineData("saliency(layers=features.4+features.9)", "only CAM methods take layers; saliency reads no layer")]
    [InlineData("grad-cam(layers=features.4+features.9,steps=3)", "has no parameter 'steps'")]
    public void Mistakes_are_named(string text, string message) =>
        Assert.Contains(message, Assert.Throws<XaiVisionException>(() => ExplainerCatalog.Create(text)).Message);

    [Fact]
    public void A_cam_over_several_layers_is_named_for_them()
    {
        var fused = Assert.IsType<FusedCam>(ExplainerCatalog.Create("layercam(layers=features.4+features.9)"));
        Assert.Equal("layer-cam-fused", fused.Name);
        Assert.Equal(["features.4", "features.9"], fused.Layers.Select(l => l.LayerName));
    }

    [Fact]
    public void Aliases_resolve() => Assert.Equal("integrated-gradients", ExplainerCatalog.Create("ig").Name);

    [Fact]
    public void Default_layer_applies_to_cam_methods_only()
    {
        using var model = TinyNets.RandomDemo();
        var list = ExplainerCatalog.CreateList("grad-cam,saliency,layer-cam(layer=features.4)", "features.7");
        Assert.Equal("features.7", list[0].Describe(model)["layer"]);
        Assert.Empty(list[1].Describe(model));
        Assert.Equal("features.4", list[2].Describe(model)["layer"]);
    }

    [Fact]
    public void Targets_parse_and_choose()
    {
        Assert.Equal(TargetSelection.Predicted, TargetSelection.Parse(null));
        Assert.Equal(new TargetSelection(TargetMode.Class, 3), TargetSelection.Parse("class:3"));
        Assert.Equal(new TargetSelection(TargetMode.TopK, 2), TargetSelection.Parse("top-k:2"));
        Assert.Throws<XaiVisionException>(() => TargetSelection.Parse("top-k:0"));
        Assert.Throws<XaiVisionException>(() => TargetSelection.Parse("best"));

        using var logits = tensor(new float[] { 0.1f, 2f, 1f, 5f, -1f, 0f }).view(2, 3);
        Assert.Equal([[1L], [0L]], TargetSelection.Predicted.Choose(logits));
        Assert.Equal([[1L, 2L], [0L, 2L]], TargetSelection.Parse("top-k:2").Choose(logits));
        Assert.Equal([[2L], [2L]], TargetSelection.Parse("class:2").Choose(logits));
        Assert.Contains("has 3 classes", Assert.Throws<XaiVisionException>(() => TargetSelection.Parse("class:3").Choose(logits)).Message);
    }

    [Fact]
    public void Unknown_layer_lists_valid_names()
    {
        using var model = TinyNets.RandomDemo();
        using var x = zeros(1, 3, 64, 64);
        using var t = tensor(new long[] { 0 });
        var error = Assert.Throws<XaiVisionException>(() => ExplainerCatalog.Create("grad-cam(layer=features.29)").Explain(model, x, t, 0));
        Assert.Contains("has no layer 'features.29'", error.Message);
        Assert.Contains("features.9", error.Message);
    }
}

public class BaselineTests
{
    [Fact]
    public void Random_is_seeded_and_center_peaks_in_the_middle()
    {
        using var model = TinyNets.RandomDemo();
        using var x = zeros(2, 3, 64, 64);
        using var t = tensor(new long[] { 0, 1 });
        var random = ExplainerCatalog.Create("random");
        using var a = random.Explain(model, x, t, 7);
        using var b = random.Explain(model, x, t, 7);
        using var c = random.Explain(model, x, t, 8);
        Assert.Equal(new long[] { 2, 64, 64 }, a.shape);
        Assert.True(a.equal(b).all().item<bool>());
        Assert.False(a.equal(c).all().item<bool>());

        using var centre = ExplainerCatalog.Create("centre(sigma=0.2)").Explain(model, x, t, 0);
        var values = centre[0].data<float>().ToArray();
        int peak = Array.IndexOf(values, values.Max());
        Assert.InRange(peak % 64, 31, 32);
        Assert.InRange(peak / 64, 31, 32);
        Assert.True(values[0] < 0.01f * values.Max());
    }
}
