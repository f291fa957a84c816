using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Explainers;

/// <summary>
/// Contrastive targets (<c>contrast:A-B</c>): every method explains logit A − logit B. For a method linear in the output's
/// gradient (input × gradient, LRP-ε, Grad-CAM's weighted sum before its ReLU) the map is the difference of the two classes'
/// maps; the contrasted model leaves the probabilities and the network as they were.
/// </summary>
public class ContrastTests
{
    [Fact]
    public void Contrast_targets_parse_and_are_refused_with_reasons()
    {
        Assert.Equal(new TargetSelection(TargetMode.Contrast, 3, 5), TargetSelection.Parse("contrast:3-5"));
        Assert.Equal("contrast:3-5", TargetSelection.Parse("contrast:3-5").ToString());
        Assert.Contains("contrasts class 2 with itself", Assert.Throws<XaiVisionException>(() => TargetSelection.Parse("contrast:2-2")).Message);
        Assert.Contains("contrast:A-B (class A against class B)", Assert.Throws<XaiVisionException>(() => TargetSelection.Parse("contrast:cat-dog")).Message);
    }

    [Theory]
    [InlineData("input-x-gradient")]
    [InlineData("lrp-epsilon")]
    public void A_map_for_a_contrast_is_the_difference_of_the_two_classes_maps(string method)
    {
        using var scope = NewDisposeScope();
        using var model = TinyNets.RandomDemo();
        var images = randn([2, 3, 64, 64], generator: new Generator(8));
        var explainer = ExplainerCatalog.Create(method);
        Tensor For(long cls) => explainer.Explain(model, images, full(2, cls, ScalarType.Int64), 0);
        var contrasted = explainer.Explain(model.Contrasted(2), images, full(2, 1L, ScalarType.Int64), 0);
        var difference = For(1) - For(2);
        double scale = difference.abs().max().item<float>();
        Assert.True((contrasted - difference).abs().max().item<float>() <= 1e-4 * scale, $"{method}: the contrast is not the difference");
        Assert.True(scale > 0);
    }

    [Fact]
    public void A_suite_with_a_contrast_target_explains_class_a_against_b_and_keeps_the_model()
    {
        using var model = TinyNets.RandomDemo();
        var views = Enumerable.Range(0, 2).Select(i => new RgbImage(64, 64, Enumerable.Range(0, 64 * 64 * 3).Select(p => (byte)((p * (i + 5)) % 241)).ToArray())).ToList();
        var result = new SuiteRunner(model, new SuiteRun(ExplainerCatalog.CreateList("input-x-gradient"), TargetSelection.Parse("contrast:1-3"))).Run(SuiteInputs.Of(views));
        using var batch = ImagePreparer.ToBatch(views, model.Preprocessing);
        using var expected = ExplainerCatalog.Create("input-x-gradient").Explain(model.Contrasted(3), batch, tensor(new long[] { 1, 1 }), 0);
        foreach (var (image, i) in result.Images.Select((image, i) => (image, i)))
        {
            var map = Assert.Single(image.Maps);
            Assert.Equal(1, map.Target.Index);
            var want = expected[i].data<float>().ToArray();
            Assert.True(want.Zip(map.Map).Max(p => Math.Abs(p.First - p.Second)) <= 1e-5 * want.Max(Math.Abs));
        }
        using var logits = model.Forward(batch);
        Assert.Null(model.Versus);
        Assert.True(logits[.., 3].abs().max().item<float>() > 0, "the model itself is not contrasted");
    }
}
