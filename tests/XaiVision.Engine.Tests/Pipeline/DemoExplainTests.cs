using System.Text.Json;
using XaiVision.Engine.Demo;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Pipeline;
using XaiVision.Engine.Tests.Support;
using Xunit.Abstractions;

namespace XaiVision.Engine.Tests.Pipeline;

public class DemoExplainTests(DemoFixture demo, ITestOutputHelper output) : IClassFixture<DemoFixture>
{
    static string TempDirectory() => Directory.CreateTempSubdirectory("xaivision-test-").FullName;

    [Fact]
    public void Bundled_model_classifies_unseen_generated_shapes()
    {
        using var test = DemoTrainer.Generate(new ShapesGenerator(), demo.Model.Preprocessing, seed: 424242, count: 300);
        var accuracy = DemoTrainer.Accuracy(demo.Model.Network, test);
        output.WriteLine($"demo accuracy on 300 unseen images: {accuracy:P1}");
        Assert.True(accuracy >= 0.95, $"accuracy {accuracy:P1}");
    }

    [Fact]
    public void Writes_overlays_raw_maps_and_summary_for_every_image()
    {
        var directory = TempDirectory();
        var explainers = ExplainerCatalog.CreateList("grad-cam,integrated-gradients(steps=8)");
        var summary = new ExplainRunner(demo.Model, new ExplainOptions(explainers, TargetSelection.Predicted, BatchSize: 5)).Run(demo.Images, directory);

        Assert.Equal(demo.Images.Count, summary.Images.Count);
        Assert.Equal(0, summary.Failed);
        int correct = summary.Images.Zip(demo.Labels).Count(p => p.First.Prediction!.Index == p.Second);
        Assert.True(correct >= demo.Images.Count - 1, $"{correct}/{demo.Images.Count} correct");
        foreach (var image in summary.Images)
        {
            Assert.Equal(5, image.Top5.Count);
            Assert.Equal(ShapesGenerator.ClassNames[(int)image.Prediction!.Index], image.Prediction.Name);
            foreach (var e in image.Explanations)
            {
                var (values, shape) = NpyFile.ReadFloat32(File.ReadAllBytes(Path.Combine(directory, e.Raw!)));
                Assert.Equal(new[] { 64, 64 }, shape);
                Assert.Equal(e.MapSum, values.Sum(), 1e-3f);
                var overlay = ImageDecoder.DecodeFile(Path.Combine(directory, e.Overlay!));
                Assert.Equal(HeatmapRenderer.MinimumDisplaySize, overlay.Width);
            }
        }
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "summary.json"))).RootElement;
        Assert.Equal(demo.Images.Count, json.GetProperty("images").GetArrayLength());
        Assert.Equal("grad-cam", json.GetProperty("images")[0].GetProperty("explanations")[0].GetProperty("method").GetString());
    }

    [Fact]
    public void A_bad_image_is_recorded_and_the_rest_are_explained()
    {
        var directory = TempDirectory();
        var broken = Path.Combine(directory, "broken.png");
        File.WriteAllText(broken, "not a png");
        var inputs = demo.Images.Take(3).Append(broken).ToList();
        var summary = new ExplainRunner(demo.Model, new ExplainOptions(ExplainerCatalog.CreateList("saliency"), TargetSelection.Predicted)).Run(inputs, Path.Combine(directory, "out"));
        Assert.Equal(1, summary.Failed);
        Assert.Contains("not a decodable image", summary.Images[3].Error);
        Assert.All(summary.Images.Take(3), i => Assert.Single(i.Explanations));
    }

    [Fact]
    public void Top_k_writes_one_map_per_class()
    {
        var directory = TempDirectory();
        var summary = new ExplainRunner(demo.Model, new ExplainOptions(ExplainerCatalog.CreateList("grad-cam"), TargetSelection.Parse("top-k:2")))
            .Run(demo.Images.Take(2).ToList(), directory);
        foreach (var image in summary.Images)
        {
            Assert.Equal(2, image.Explanations.Count);
            Assert.Equal(image.Top5.Take(2).Select(t => t.Index), image.Explanations.Select(e => e.Target.Index));
            Assert.All(image.Explanations, e => Assert.True(File.Exists(Path.Combine(directory, e.Overlay!))));
            Assert.Contains(".top2-", image.Explanations[1].Overlay);
        }
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
    public void Maps_point_at_the_shape(string method)
    {
        var directory = TempDirectory();
        var summary = new ExplainRunner(demo.Model, new ExplainOptions(ExplainerCatalog.CreateList(method), TargetSelection.Predicted, WriteOverlays: false))
            .Run(demo.Images, directory);
        int hits = 0;
        double massInside = 0, area = 0;
        for (int i = 0; i < demo.Images.Count; i++)
        {
            var e = summary.Images[i].Explanations[0];
            var map = NpyFile.ReadFloat32(File.ReadAllBytes(Path.Combine(directory, e.Raw!))).Values;
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
}
