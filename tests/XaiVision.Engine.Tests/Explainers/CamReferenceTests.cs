using System.Text.Json;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Explainers;

/// <summary>
/// The CAM family against pytorch-grad-cam itself (tools/cam_reference.py runs it from its fetched source on Debian's PyTorch): a
/// seeded CNN, run both as the TorchScript export with its CAM layer's activation and as our own modules with its weights
/// (<see cref="CamRefNet"/>). The CAM layer is a convolution before BatchNorm and ReLU, at the input's 16×16, so no resize stands
/// between the two (Ablation-CAM's is the ReLU after it); four images, one target class each. pytorch-grad-cam scales each map to [0, 1]
/// ((m − min) / (max + 1e-7)); ours, scaled the same way, must correlate at r ≥ 0.999 and equal it to 1e-3 — and must not pass
/// against another method's reference (the fixture's methods differ: at most r = 0.997 between two of them). Measured max |Δ|:
/// 6.6e-7 (Grad-CAM++) to 3.1e-5 (XGrad-CAM), and 6.1e-4 for Grad-CAM on one image whose channel sum cancels most of itself
/// (libtorch 2.10 and PyTorch 1.13 round the convolutions differently in float32; the scaling to [0, 1] magnifies it).
/// </summary>
public class CamReferenceTests(Xunit.Abstractions.ITestOutputHelper log)
{
    sealed record Reference(int Side, float[] Input, long[] Targets, Dictionary<string, float[][]> Maps, Dictionary<string, float[]> State);

    static readonly Reference Fixture = JsonSerializer.Deserialize<Reference>(File.ReadAllText(Fixtures.Path("cams", "cams.json")),
        new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    /// <summary>The network as TorchScript (the activation handed over) or as our own modules (the activation hooked).</summary>
    static ExplainableModel Network(bool torchScript) => torchScript
        ? ModelLoader.Load(new ModelSpec("", Fixtures.Path("cams", "camnet.pt"),
            Preprocessing: XaiVision.Engine.Imaging.Preprocessing.ImageNet(Fixture.Side, Fixture.Side), AllowTorchScript: true), CPU)
        : CamRefNet.Load(Fixture.Side, Fixture.State);

    static float[][] Ours(string method, bool torchScript)
    {
        using var scope = NewDisposeScope();
        using var model = Network(torchScript);
        var images = tensor(Fixture.Input).view(Fixture.Targets.Length, 3, Fixture.Side, Fixture.Side);
        var maps = ExplainerCatalog.Create(method).Explain(model, images, tensor(Fixture.Targets), 1);
        return Enumerable.Range(0, Fixture.Targets.Length).Select(i => Scaled(maps[i].flatten().data<float>().ToArray())).ToArray();
    }

    /// <summary>pytorch-grad-cam's <c>scale_cam_image</c>.</summary>
    static float[] Scaled(float[] map)
    {
        var shifted = map.Select(v => v - map.Min()).ToArray();
        var top = shifted.Max();
        return shifted.Select(v => v / (1e-7f + top)).ToArray();
    }

    static double Pearson(float[] a, float[] b) => MapSimilarity.Pearson(a.Select(v => (double)v).ToArray(), b.Select(v => (double)v).ToArray());

    public static TheoryData<string, bool> Cases()
    {
        var cases = new TheoryData<string, bool>();
        foreach (var method in Fixture.Maps.Keys)
        {
            cases.Add(method, false);
            if (!method.StartsWith("ablation-cam", StringComparison.Ordinal) && method != "full-grad" && !method.Contains("layers=")) cases.Add(method, true);
        }
        return cases;
    }

    [Fact]
    public void Ablation_cam_full_grad_and_fused_layers_refuse_a_torchscript_model_with_the_reason()
    {
        var error = Assert.Throws<XaiVisionException>(() => Ours("ablation-cam", torchScript: true)).Message;
        Assert.Contains("cannot be done inside a TorchScript model; use score-cam", error);
        Assert.Contains("which a TorchScript model hides", Assert.Throws<XaiVisionException>(() => Ours("full-grad", torchScript: true)).Message);
        Assert.Contains("a TorchScript model hands over one", Assert.Throws<XaiVisionException>(() => Ours("grad-cam(layers=features.2+features.6)", torchScript: true)).Message);
    }

    [Fact]
    public void Kpca_cam_refuses_a_layer_whose_kernel_would_not_fit()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        using var model = ModelLoader.Load(new ModelSpec("resnet18", null, NumClasses: 4,
            Preprocessing: XaiVision.Engine.Imaging.Preprocessing.ImageNet(272, 272)), CPU); // layer1: 68×68 = 4,624 positions
        var error = Assert.Throws<XaiVisionException>(() =>
            ExplainerCatalog.Create("kpca-cam(layer=layer1)").Explain(model, randn(1, 3, 272, 272), tensor(new long[] { 0 }), 0));
        Assert.Contains("68×68 = 4,624 is more than 4,096", error.Message);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Equals_pytorch_grad_cam_on_the_same_network(string method, bool torchScript)
    {
        var ours = Ours(method, torchScript);
        double worstR = 1, worstDifference = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            var reference = Fixture.Maps[method][i];
            Assert.True(Pearson(ours[i], reference) >= 0.999, $"{method}, image {i}: r = {Pearson(ours[i], reference):F5}");
            Assert.True(ours[i].Zip(reference).Max(p => Math.Abs(p.First - p.Second)) <= 1e-3,
                $"{method}, image {i}: max |Δ| = {ours[i].Zip(reference).Max(p => Math.Abs(p.First - p.Second)):E2}");
            worstR = Math.Min(worstR, Pearson(ours[i], reference));
            worstDifference = Math.Max(worstDifference, ours[i].Zip(reference).Max(p => Math.Abs(p.First - p.Second)));
        }
        log.WriteLine($"| {method}{(torchScript ? " (TorchScript)" : "")} | pytorch-grad-cam | {worstR:F6} | {worstDifference:E1} |"); // bench/README.md's reference table
        foreach (var other in Fixture.Maps.Keys.Where(o => o != method))
            Assert.Contains(Enumerable.Range(0, ours.Length), i => Pearson(ours[i], Fixture.Maps[other][i]) < 0.999);
    }
}
