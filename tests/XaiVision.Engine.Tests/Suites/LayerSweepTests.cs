using XaiVision.Engine.Tests.Support;
using XaiVision.Engine.Demo;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Models;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Suites;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Suites;

/// <summary>The layer sweep: which layers, that its maps are the methods' own, ΣR per layer, and what the record writes.</summary>
public class LayerSweepTests
{
    [Theory]
    [InlineData("vgg16", "features.3,features.8,features.15,features.22,features.29")]
    [InlineData("resnet18", "conv1,bn1,relu,maxpool,layer1,layer2,layer3,layer4")]
    [InlineData("mobilenet_v2", "features.0,features.1,features.2,features.3,features.4,features.5,features.6,features.7,features.8,features.9,"
        + "features.10,features.11,features.12,features.13,features.14,features.15,features.16,features.17,features.18")]
    public void Block_outputs_are_each_blocks_last_layer(string architecture, string expected)
    {
        random.manual_seed(1);
        using var model = ModelLoader.Load(new ModelSpec(architecture, null, NumClasses: 2), CPU);
        Assert.Equal(expected.Split(','), LayerSweep.BlockOutputs(model));
    }

    static (SuiteBatch Batch, ExplainableModel Model) RunDemo(params string[] metrics)
    {
        var model = ModelLoader.Load(DemoAssets.ModelSpec, CPU);
        var views = Directory.GetFiles(DemoAssets.ImagesDirectory, "*.png").Order().Take(2).Select(f => ImagePreparer.ToModelView(ImageDecoder.DecodeFile(f), model.Preprocessing)).ToList();
        var suite = SuiteCompiler.CompileOrThrow(["grad-cam", "lrp-epsilon"], ["mask(top=20)"], metrics, SuiteCompiler.Paths.Cli, model.Architecture, model.Architecture.DefaultCamLayer)
            .ToSpec(TargetSelection.Parse("predicted"), 0, layerSweep: true);
        return (new SuiteRunner(model, suite).Run(SuiteInputs.Of(views)), model);
    }

    [Fact]
    public void Sweep_maps_are_the_methods_own_at_each_layer_and_lrp_sums_are_against_the_logit()
    {
        var (batch, model) = RunDemo();
        using var _ = model;
        foreach (var image in batch.Images)
        {
            var sweep = image.Sweep!;
            Assert.Equal(["features.1", "features.4", "features.9"], sweep.Where(m => m.Method == "grad-cam").Select(m => m.Layer));
            Assert.Equal(["features.1", "features.4", "features.9"], sweep.Where(m => m.Method == "layer-cam").Select(m => m.Layer));
            Assert.Equal(["input", "features.3", "features.6", "features.8", "classifier.0", "classifier.3"], sweep.Where(m => m.Method == "lrp-epsilon").Select(m => m.Layer));
            // At the default layer the sweep's Grad-CAM is the suite's own map; LRP's input row is the suite's LRP map.
            var ownCam = image.Maps.Single(m => m.Method == "grad-cam").Map;
            var sweptCam = sweep.Single(m => m.Method == "grad-cam" && m.Layer == "features.9").Map!;
            Assert.True(ownCam.Zip(sweptCam).Max(p => Math.Abs(p.First - p.Second)) <= 1e-5 * Math.Max(1e-6, ownCam.Max()));
            var ownLrp = image.Maps.Single(m => m.Method == "lrp-epsilon").Map;
            var sweptLrp = sweep.Single(m => m.Method == "lrp-epsilon" && m.Layer == "input").Map!;
            Assert.True(ownLrp.Zip(sweptLrp).Max(p => Math.Abs(p.First - p.Second)) <= 1e-4 * Math.Max(1e-6, ownLrp.Max(MathF.Abs)));
            Assert.Null(sweep.Single(m => m.Layer == "classifier.0").Map); // a dense layer's input is flat: ΣR only
            Assert.All(sweep.Where(m => m.Method == "lrp-epsilon"), m => Assert.Equal(image.Top5[0].Logit, m.Score!.Value, 3));
            Assert.InRange(sweep.Single(m => m.Layer == "classifier.3").RelevanceSum!.Value / image.Top5[0].Logit, 0.5, 1.5);
        }
    }

    [Fact]
    public void The_record_writes_the_strip_the_raw_sweep_and_the_seed_figures()
    {
        var (batch, model) = RunDemo("deletion(steps=4)");
        using var _ = model;
        var files = new Dictionary<string, byte[]>();
        var record = new RecordBuilder(true, true, (path, bytes) => files[path] = bytes).Build("a.png", "a", batch.Images[0]);
        Assert.Equal("a/figure.png", record.Figure);
        Assert.Equal("a/perturbations.png", record.PerturbationFigure);
        Assert.Equal("a/masking.png", record.MaskingFigure);
        Assert.Equal("a/sweep.png", record.LayerSweep!.Strip);
        foreach (var file in new[] { "a/figure.png", "a/perturbations.png", "a/masking.png", "a/sweep.png" })
            Assert.Equal(0x89, files[file][0]); // PNG signature
        Assert.Contains("'shape': (3, 64, 64)", System.Text.Encoding.ASCII.GetString(files["a/sweep/grad-cam.npy"], 0, 100));
        Assert.Contains("'shape': (4, 64, 64)", System.Text.Encoding.ASCII.GetString(files["a/sweep/lrp-epsilon.npy"], 0, 100));
        Assert.Equal(3, record.LayerSweep.Layers.Single(l => l.Method == "lrp-epsilon" && l.Layer == "features.8").RawIndex);
        Assert.Null(record.LayerSweep.Layers.Single(l => l.Method == "lrp-epsilon" && l.Layer == "classifier.0").RawIndex);

        var report = AuditOutputs.ModelOf(new ReportRequest("", null, 0, [], []), [record, record]).Report.ThroughTheNetwork!;
        Assert.Equal(6, report.Count);
        Assert.All(report, l => Assert.Equal(2, l.Images));
        var html = AuditOutputs.Build(new ReportRequest("demo", "predicted", 0, [], []), [record]).Html;
        Assert.Contains("id=\"through-the-network\"", html);
        Assert.Contains("a/sweep.png", html);
    }
}
