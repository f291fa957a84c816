using XaiVision.Engine.Demo;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using Xunit.Abstractions;

namespace XaiVision.Engine.Tests.Demo;

public class DemoExplainTests(DemoFixture demo, ITestOutputHelper output) : IClassFixture<DemoFixture>
{
    [Fact]
    public void Bundled_model_classifies_unseen_generated_shapes()
    {
        using var test = DemoTrainer.Generate(new ShapesGenerator(), demo.Model.Preprocessing, seed: 424242, count: 300);
        var accuracy = DemoTrainer.Accuracy(demo.Model.Network, test);
        output.WriteLine($"demo accuracy on 300 unseen images: {accuracy:P1}");
        Assert.True(accuracy >= 0.95, $"accuracy {accuracy:P1}");
    }

    [Theory]
    [InlineData("grad-cam")]
    [InlineData("grad-cam++")]
    [InlineData("layer-cam")]
    [InlineData("integrated-gradients")]
    [InlineData("smoothgrad")]
    [InlineData("lrp-epsilon")]
    [InlineData("lrp-composite")]
    [InlineData("lrp:epsilon-plus-flat")]
    [InlineData("lrp:epsilon-gamma-box")]
    [InlineData("lrp:epsilon-alpha2-beta1")]
    [InlineData("crp:epsilon-plus-flat(top=3)")]
    public void Maps_point_at_the_shape(string method)
    {
        var views = demo.Images.Select(path => ImagePreparer.ToModelView(ImageDecoder.DecodeFile(path), demo.Model.Preprocessing)).ToList();
        var result = new SuiteRunner(demo.Model, new SuiteRun(ExplainerCatalog.CreateList(method), TargetSelection.Predicted)).Run(SuiteInputs.Of(views));
        int hits = 0;
        double massInside = 0, area = 0;
        for (int i = 0; i < demo.Images.Count; i++)
        {
            var map = result.Images[i].Maps[0].Map;
            var mask = demo.Masks[i];
            int peak = Array.IndexOf(map, map.Max());
            if (mask[peak]) hits++;
            double positive = map.Sum(v => Math.Max(0, v));
            massInside += map.Where((v, p) => mask[p]).Sum(v => Math.Max(0, v)) / positive;
            area += mask.Count(m => m) / (double)mask.Length;
        }
        int n = demo.Images.Count;
        output.WriteLine($"{method}: pointing game {hits}/{n}, positive relevance mass inside the mask {massInside / n:P1} (mask area {area / n:P1})");
        Assert.True(hits >= n - 2, $"pointing game {hits}/{n}");
        Assert.True(massInside / n > 2 * area / n, $"mass inside {massInside / n:P1} vs area {area / n:P1}");
    }

    [Fact]
    public void A_concept_method_keeps_each_map_s_most_relevant_channels()
    {
        var views = demo.Images.Take(4).Select(path => ImagePreparer.ToModelView(ImageDecoder.DecodeFile(path), demo.Model.Preprocessing)).ToList();
        var result = new SuiteRunner(demo.Model, new SuiteRun(ExplainerCatalog.CreateList("crp,grad-cam"), TargetSelection.Predicted)).Run(SuiteInputs.Of(views));
        foreach (var image in result.Images)
        {
            var (crp, cam) = (image.Maps.Single(m => m.Method == "crp"), image.Maps.Single(m => m.Method == "grad-cam"));
            Assert.Null(cam.Concepts);
            Assert.Equal("features.9", crp.Concepts!.Layer); // the demo's CAM layer, the default
            Assert.Equal(XaiVision.Engine.Lrp.Concepts.CrpExplainer.ConceptsKept, crp.Concepts.Top.Count);
            Assert.True(crp.Concepts.Top[0].Share > 0);
            Assert.Equal("features.9", crp.Parameters["layer"]);
            Assert.Equal("1", crp.Parameters["top"]);
            output.WriteLine($"{image.Top5[0].Name}: top channels {string.Join(", ", crp.Concepts.Top.Take(3).Select(c => $"{c.Channel} ({c.Share:P0})"))}");
        }
    }
}
