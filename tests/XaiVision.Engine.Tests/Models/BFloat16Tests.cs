using XaiVision.Engine.Demo;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using XaiVision.Engine.Perturbations;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Models;

/// <summary>
/// The demo model in bfloat16 against itself in float32: methods that keep their map in bf16 run there (r ≥ 0.99), every other
/// method runs on the float32 twin (the same map), and the suite says which ran where. Each test prints which bf16 arithmetic it
/// exercised: native (the CPU has avx512_bf16) or widened to float32 by oneDNN.
/// </summary>
public sealed class BFloat16Tests(DemoFixture demo, ITestOutputHelper output) : IClassFixture<DemoFixture>, IDisposable
{
    readonly ExplainableModel _bf16 = ModelLoader.Load(DemoAssets.ModelSpec with { Precision = ModelPrecision.BFloat16 }, CPU);

    public void Dispose() => _bf16.Dispose();

    static string Arithmetic => File.Exists("/proc/cpuinfo") && File.ReadAllText("/proc/cpuinfo").Contains(" avx512_bf16")
        ? "native bf16 arithmetic (avx512_bf16)" : "bf16 storage, float32 arithmetic (no avx512_bf16: oneDNN widens)";

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
        output.WriteLine(Arithmetic);
    }

    [Fact]
    public void The_float32_twin_holds_the_same_weights_in_float32()
    {
        using var scope = NewDisposeScope();
        var x = Batch();
        Assert.Equal(ModelPrecision.Float32, _bf16.Float32.Precision);
        Assert.Same(demo.Model, demo.Model.Float32);
        Assert.Equal(ScalarType.Float32, _bf16.Float32.Network.parameters().First().dtype);
        Assert.Equal(0f, (demo.Model.Forward(x) - _bf16.Float32.Forward(x)).abs().max().item<float>());
    }

    public static TheoryData<string> Methods => EveryMethod.Theory;

    /// <summary>
    /// Where bf16 runs a method it keeps the map (r ≥ 0.99, 0.999 for the CAM family should one join it); where it would not,
    /// the method runs on the twin and its map is float32's.
    /// </summary>
    [Theory]
    [MemberData(nameof(Methods))]
    public void Every_method_keeps_its_map_on_a_bf16_model(string method)
    {
        using var scope = NewDisposeScope();
        var x = Batch();
        var targets = demo.Model.Forward(x).argmax(1);
        var explainer = ExplainerCatalog.Create(method);
        var reference = explainer.Explain(demo.Model, x, targets, 3);
        var on = ReducedPrecision.ModelFor(_bf16, explainer);
        var reduced = explainer.Explain(on, x, targets, 3).to(ScalarType.Float32);
        double r = MapSimilarity.MeanPearson(reduced, reference);
        double minimum = !explainer.KeepsMapInBFloat16 ? 0.99999 : explainer is ILayerGradientMethod ? 0.999 : 0.99;
        Assert.Equal(explainer.KeepsMapInBFloat16 ? ModelPrecision.BFloat16 : ModelPrecision.Float32, on.Precision);
        Assert.True(r >= minimum, $"{method} on the {on.Precision} network: r = {r:F5} < {minimum} ({Arithmetic})");
        output.WriteLine($"{method}: runs in {on.Precision}, r = {r:F5}; {Arithmetic}");
    }

    [Fact]
    public void A_whole_suite_runs_on_the_bf16_model_and_marks_what_ran_in_float32()
    {
        var spec = new SuiteRun(ExplainerCatalog.CreateList("grad-cam,lrp-composite,integrated-gradients(steps=4),occlusion(size=16)"), TargetSelection.Predicted, 1,
            PerturbationCatalog.CreateList("affine(rotate=90),noise(sigma=0.05),mask(top=20)"),
            MetricCatalog.CreateList("deletion(steps=6),insertion(steps=6),faithfulness-correlation(subsets=8),infidelity,max-sensitivity(samples=2),localisation"));
        var views = demo.Images.Take(3).Select(p => ImageDecoder.DecodeFile(p)).ToList();
        var batch = new SuiteRunner(_bf16, spec).Run(SuiteInputs.Of(views, demo.Masks));
        var reference = new SuiteRunner(demo.Model, spec).Run(SuiteInputs.Of(views, demo.Masks));
        for (int i = 0; i < batch.Images.Count; i++)
            foreach (var (map, fp32) in batch.Images[i].Maps.Zip(reference.Images[i].Maps))
            {
                Assert.Contains("deletion", map.Metrics.Keys);
                Assert.All(map.Metrics.Values, v => Assert.False(double.IsNaN(v)));
                Assert.Equal(3, map.Perturbed.Count);
                bool float32 = map.Method != "occlusion";
                Assert.Equal(float32 ? "fp32" : null, map.Parameters.GetValueOrDefault("precision"));
                if (float32) Assert.Equal(fp32.Map, map.Map); // the twin: float32's map, bit for bit
            }
        Assert.Equal("bf16 network; grad-cam, lrp-composite, integrated-gradients run in fp32 (bf16 loses their maps, README \"Reduced precision\")",
            ReducedPrecision.Notice(ModelPrecision.BFloat16, spec.Explainers));
        Assert.Null(ReducedPrecision.Notice(ModelPrecision.Float32, spec.Explainers));
        output.WriteLine(Arithmetic);
    }
}
