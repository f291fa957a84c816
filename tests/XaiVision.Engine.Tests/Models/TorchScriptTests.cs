using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Models;

/// <summary>
/// The hand-weighted CamNet exported by PyTorch 1.13 as TorchScript (tools/make_torchscript_fixtures.py, with
/// tools/export-torchscript.py's (logits, activation) wrapper): every method gives what the native CamNet gives.
/// </summary>
public class TorchScriptTests
{
    static readonly float[] U = [1.0f, -0.5f, 0.25f, -0.3f, 0.8f, 0.6f];
    static readonly float[] V = [0.9f, -0.4f, -0.7f, 1.2f];
    static readonly float[] X = Enumerable.Range(0, 24).Select(i => MathF.Sin(i * 2.3f + 0.4f)).ToArray();

    static ExplainableModel Script(string file, bool allow = true) => ModelLoader.Load(
        new ModelSpec("", Fixtures.Path("torchscript", file), Preprocessing: XaiVision.Engine.Imaging.Preprocessing.ImageNet(2, 2), AllowTorchScript: allow), CPU);

    static float[] Explain(ExplainableModel model, string method)
    {
        using var scope = NewDisposeScope();
        return ExplainerCatalog.Create(method).Explain(model, tensor(X).view(2, 3, 2, 2), tensor(new long[] { 0, 1 }), 4).data<float>().ToArray();
    }

    [Theory]
    [InlineData("camnet_activation.pt", "grad-cam")]
    [InlineData("camnet_activation.pt", "grad-cam++")]
    [InlineData("camnet_activation.pt", "layer-cam")]
    [InlineData("camnet_activation.pt", "saliency")]
    [InlineData("camnet_traced.pt", "input-x-gradient")]
    [InlineData("camnet_scripted.pt", "integrated-gradients(steps=8)")]
    [InlineData("camnet_scripted.pt", "smoothgrad(samples=4)")]
    [InlineData("camnet_traced.pt", "occlusion(size=1)")]
    [InlineData("camnet_traced.pt", "rise(masks=16,grid=2)")]
    public void A_torchscript_model_explains_like_the_native_network(string file, string method)
    {
        using var script = Script(file);
        using var native = TinyNets.Wrap(new TinyNets.CamNet(U, V));
        var (expected, actual) = (Explain(native, method), Explain(script, method));
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
        Assert.Contains(expected, v => Math.Abs(v) > 1e-4);
    }

    [Fact]
    public void The_model_says_what_it_returns_and_what_it_is()
    {
        using var withActivation = Script("camnet_activation.pt");
        Assert.Contains("TorchScript (camnet_activation.pt, 2 classes, returns (logits, activation): CAM methods available)", withActivation.Description);
        using var plain = Script("camnet_traced.pt");
        var cam = Assert.Throws<XaiVisionException>(() => Explain(plain, "grad-cam")).Message;
        Assert.Contains("export it with tools/export-torchscript.py --layer", cam);
        var lrp = Assert.Throws<XaiVisionException>(() => Explain(plain, "lrp-epsilon")).Message;
        Assert.Contains("LRP is not offered for TorchScript models", lrp);
    }

    [Fact]
    public void TorchScript_is_code_and_loads_only_where_allowed()
    {
        var error = Assert.Throws<XaiVisionException>(() => Script("camnet_traced.pt", allow: false)).Message;
        Assert.Contains("is a TorchScript model: code", error);
        Assert.Contains("Models:AllowTorchScript", error);
        var named = Assert.Throws<XaiVisionException>(() => ModelLoader.Load(new ModelSpec("resnet18", Fixtures.Path("torchscript", "camnet_traced.pt"), AllowTorchScript: true), CPU)).Message;
        Assert.Contains("leave out the architecture", named);
    }

    [Fact]
    public void Randomisation_works_through_the_named_parameters()
    {
        using var scope = NewDisposeScope();
        using var model = Script("camnet_traced.pt");
        var images = tensor(X).view(2, 3, 2, 2);
        var targets = tensor(new long[] { 0, 1 });
        var explainer = ExplainerCatalog.Create("saliency");
        var maps = explainer.Explain(model, images, targets, 0);
        var before = model.Forward(images).data<float>().ToArray();
        var values = new Randomisation().Evaluate(new MetricContext(model, explainer, images, targets, maps, [null, null], 7));
        Assert.Equal(["1:head", "2:features.0"], values[0].Curves["mprt-spearman"].Stages!);
        Assert.Equal(before, model.Forward(images).data<float>().ToArray()); // weights restored
    }
}
