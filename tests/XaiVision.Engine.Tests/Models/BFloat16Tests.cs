using XaiVision.Engine.Demo;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using XaiVision.Engine.Perturbations;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Models;

/// <summary>The demo model in bfloat16 against itself in float32: every method runs, maps stay close, the suite runs whole.</summary>
public sealed class BFloat16Tests(DemoFixture demo) : IClassFixture<DemoFixture>, IDisposable
{
    readonly ExplainableModel _bf16 = ModelLoader.Load(DemoAssets.ModelSpec with { Precision = ModelPrecision.BFloat16 }, CPU);

    public void Dispose() => _bf16.Dispose();

    Tensor Batch() => ImagePreparer.ToBatch(demo.Images.Take(6).Select(p => ImageDecoder.DecodeFile(p)).ToList(), demo.Model.Preprocessing);

    [Fact]
    public void Logits_stay_float32_and_close_to_the_float32_model()
    {
        using var scope = NewDisposeScope();
        var x = Batch();
        var (a, b) = (demo.Model.Forward(x), _bf16.Forward(x));
        Assert.Equal(ScalarType.Float32, b.dtype);
        Assert.Equal(ScalarType.BFloat16, _bf16.Network.parameters().First().dtype);
        Assert.Equal(a.argmax(1).data<long>().ToArray(), b.argmax(1).data<long>().ToArray());
        Assert.True((a - b).abs().max().item<float>() < 0.05f * a.abs().max().item<float>());
    }

    /// <summary>Agreement with the float32 map each method keeps at least; methods not listed must reach 0.95.</summary>
    static readonly Dictionary<string, double> Minimum = new()
    {
        ["grad-cam"] = 0.99,
        ["grad-cam++"] = 0.99,
        ["layer-cam"] = 0.99,
        ["integrated-gradients"] = 0.98,
        ["lrp-composite"] = 0.99,
        ["lrp:epsilon-plus-flat"] = 0.99,
    };

    public static TheoryData<string> Methods => EveryMethod.Theory;

    [Theory]
    [MemberData(nameof(Methods))]
    public void Every_method_runs_in_bf16_and_keeps_its_map(string method)
    {
        double minimum = Minimum.GetValueOrDefault(Engine.Explainers.MethodSpec.Parse(method).Name, 0.95);
        using var scope = NewDisposeScope();
        var x = Batch();
        var targets = demo.Model.Forward(x).argmax(1);
        var explainer = ExplainerCatalog.Create(method);
        var reference = explainer.Explain(demo.Model, x, targets, 3);
        var reduced = explainer.Explain(_bf16, x, targets, 3).to(ScalarType.Float32);
        double r = MapSimilarity.MeanPearson(reduced, reference);
        Assert.True(r >= minimum, $"{method}: r = {r:F4} < {minimum}");
    }

    [Fact]
    public void A_whole_suite_runs_on_the_bf16_model()
    {
        var spec = new SuiteSpec(ExplainerCatalog.CreateList("grad-cam,lrp-composite"), TargetSelection.Predicted, 1,
            PerturbationCatalog.CreateList("affine(rotate=90),noise(sigma=0.05),mask(top=20)"),
            MetricCatalog.CreateList("deletion(steps=6),insertion(steps=6),faithfulness-correlation(subsets=8),infidelity,max-sensitivity(samples=2),localisation"));
        var views = demo.Images.Take(3).Select(p => ImageDecoder.DecodeFile(p)).ToList();
        var batch = new SuiteRunner(_bf16, spec).Run(views, demo.Masks.Take(3).ToList());
        Assert.All(batch.Images, image => Assert.All(image.Maps, map =>
        {
            Assert.Contains("deletion", map.Metrics.Keys);
            Assert.All(map.Metrics.Values, v => Assert.False(double.IsNaN(v)));
            Assert.Equal(3, map.Perturbed.Count);
        }));
    }
}
