using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Suites;

/// <summary>The shared forward/backward gives every method exactly its own map, the prediction its own logits.</summary>
public class SharedPassTests
{
    const string Methods = "grad-cam,grad-cam++,layer-cam,saliency,input-x-gradient";

    static ExplainableModel Torchvision(string name, int size)
    {
        random.manual_seed(11);
        return ModelLoader.Load(new ModelSpec(name, null, NumClasses: 10, Preprocessing: Preprocessing.ImageNet(size, size)), CPU);
    }

    public static TheoryData<string, string> Cases => new()
    {
        { "demo", "predicted" }, { "demo", "top-k:3" }, { "vgg11", "predicted" }, { "resnet18", "top-k:2" }, { "resnet18", "class:4" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_shared_map_equals_the_methods_own(string architecture, string target)
    {
        using var model = architecture == "demo" ? TinyNets.RandomDemo() : Torchvision(architecture, 64);
        // A second CAM layer (VGG: a convolution an in-place ReLU follows) and a CAM fused over layers.
        var layer = architecture == "demo" ? ",layer-cam(layers=features.4+features.9)"
            : $",grad-cam(layer={(architecture == "vgg11" ? "features.13" : "layer3")}),hires-cam(layers={(architecture == "vgg11" ? "features.8+features.15" : "layer2+layer4")})";
        // Score-CAM (first, on the small net: it runs a forward per channel) must leave the later methods the pass's activations.
        var explainers = ExplainerCatalog.CreateList((architecture == "demo" ? "score-cam," : "") + Methods + ",hires-cam,xgrad-cam,eigen-grad-cam" + layer);
        random.manual_seed(5);
        using var images = randn(3, 3, model.Preprocessing.InputSize, model.Preprocessing.InputSize);
        var selection = TargetSelection.Parse(target);

        var pass = SharedPass.Run(model, images, explainers, logits => selection.Choose(logits));
        using var plain = model.Forward(images).detach();
        Assert.True(plain.allclose(pass.Logits, rtol: 1e-5, atol: 1e-6), "the shared forward's logits are the prediction's");
        var rows = pass.Targets.SelectMany((classes, image) => classes.Select(c => (Image: (long)image, Class: c))).ToList();
        Assert.Equal(selection.Mode == TargetMode.TopK ? 3 * selection.Value : 3, rows.Count);
        using var rowImages = images.index_select(0, tensor(rows.Select(r => r.Image).ToArray()));
        using var rowTargets = tensor(rows.Select(r => r.Class).ToArray());
        foreach (var explainer in explainers)
        {
            using var own = explainer.Explain(model, rowImages, rowTargets, 0).to(ScalarType.Float32);
            var shared = pass.Maps[explainer];
            Assert.Equal(own.shape, shared.shape);
            double scale = Math.Max(1e-12, own.abs().max().item<float>());
            double difference = (own - shared).abs().max().item<float>() / scale;
            Assert.True(difference < 1e-5, $"{explainer.Name} on {architecture} ({target}): max relative difference {difference:E2}");
        }
        foreach (var map in pass.Maps.Values) map.Dispose();
        pass.Logits.Dispose();
    }

    [Fact]
    public void A_suite_uses_the_shared_pass_and_keeps_its_results()
    {
        using var model = TinyNets.RandomDemo();
        var views = Enumerable.Range(0, 2).Select(i => new RgbImage(64, 64, Enumerable.Range(0, 64 * 64 * 3).Select(p => (byte)((p * (i + 3)) % 251)).ToArray())).ToList();
        var spec = new SuiteRun(ExplainerCatalog.CreateList(Methods + ",integrated-gradients(steps=4)"), TargetSelection.Parse("top-k:2"));
        var result = new SuiteRunner(model, spec).Run(SuiteInputs.Of(views));
        Assert.True(result.StageMilliseconds.ContainsKey("shared-pass"));
        Assert.False(result.StageMilliseconds.ContainsKey("explain:grad-cam"), "grad-cam came from the shared pass");
        Assert.True(result.StageMilliseconds.ContainsKey("explain:integrated-gradients"), "IG runs its own passes");
        using var batch = ImagePreparer.ToBatch(views, model.Preprocessing);
        foreach (var image in result.Images.Select((image, i) => (image, i)))
            foreach (var map in image.image.Maps.Where(m => m.Method == "saliency"))
            {
                using var own = ExplainerCatalog.Create("saliency").Explain(model, batch[image.i..(image.i + 1)], tensor(new[] { map.Target.Index }), 0);
                var expected = own.data<float>().ToArray();
                Assert.Equal(expected.Length, map.Map.Length);
                Assert.True(expected.Zip(map.Map).Max(p => Math.Abs(p.First - p.Second)) <= 1e-5 * Math.Max(1e-12, expected.Max(Math.Abs)));
            }
    }

    /// <summary>Faithfulness correlation's subsets do not depend on the map: one set of forwards serves every method, with the same values.</summary>
    [Fact]
    public void A_metric_shared_across_methods_gives_each_method_its_own_values()
    {
        using var model = TinyNets.RandomDemo();
        random.manual_seed(9);
        using var images = randn(3, 3, 64, 64);
        using var targets = tensor(new long[] { 0, 2, 4 });
        var metric = Engine.Metrics.MetricCatalog.Create(MethodSpec.Parse("faithfulness-correlation(subsets=16)"));
        Assert.True(metric.SharesAcrossMethods);
        var explainers = ExplainerCatalog.CreateList("grad-cam,saliency,random");
        var maps = explainers.Select(e => (Explainer: e, Maps: e.Explain(model, images, targets, 0).to(ScalarType.Float32))).ToList();
        Engine.Metrics.MetricContext Context(IExplainer e, Tensor m) => new(model, e, images, targets, m, [], 4);
        var together = metric.EvaluateMany(Context(maps[0].Explainer, maps[0].Maps), maps);
        for (int e = 0; e < maps.Count; e++)
        {
            var alone = metric.Evaluate(Context(maps[e].Explainer, maps[e].Maps));
            for (int i = 0; i < 3; i++)
                Assert.Equal(alone[i].Values["faithfulness-correlation"], together[e][i].Values["faithfulness-correlation"], 12);
        }
        Assert.NotEqual(together[0][0].Values["faithfulness-correlation"], together[1][0].Values["faithfulness-correlation"]);
    }
}
