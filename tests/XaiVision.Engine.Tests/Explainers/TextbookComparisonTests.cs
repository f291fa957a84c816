using TorchSharp.Modules;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Explainers;

/// <summary>
/// Our hook-based explainers against a slow textbook version on the demo architecture (random
/// weights): run the layers one by one, retain the layer output's gradient, combine by the paper's formula.
/// </summary>
public class TextbookComparisonTests
{
    static (Tensor Activations, Tensor Gradients) TextbookActivationsAndGradients(ExplainableModel model, Tensor x, Tensor targets, int layerIndex)
    {
        var features = (Sequential)model.Layer("features");
        var classifier = model.Layer("classifier");
        var children = features.children().Cast<nn.Module<Tensor, Tensor>>().ToList();
        var h = x;
        for (int i = 0; i <= layerIndex; i++) h = children[i].call(h);
        var a = h.detach().requires_grad_(true);
        using var grad = enable_grad();
        h = a;
        for (int i = layerIndex + 1; i < children.Count; i++) h = children[i].call(h);
        var logits = classifier.call(h.flatten(1));
        var score = logits.gather(1, targets.unsqueeze(1)).sum();
        score.backward();
        return (a.detach(), a.grad!.clone());
    }

    static Tensor Upsample(Tensor cam, Tensor x) =>
        nn.functional.interpolate(cam.unsqueeze(1), [x.shape[2], x.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1);

    public static IEnumerable<object[]> Cases() =>
    [
        ["grad-cam", (Func<Tensor, Tensor, Tensor>)((a, g) => nn.functional.relu((g.mean([2, 3], keepdim: true) * a).sum(1)))],
        ["layer-cam", (Func<Tensor, Tensor, Tensor>)((a, g) => nn.functional.relu((nn.functional.relu(g) * a).sum(1)))],
        ["grad-cam(layer=features.7)", (Func<Tensor, Tensor, Tensor>)((a, g) => nn.functional.relu((g.mean([2, 3], keepdim: true) * a).sum(1)))],
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Hook_based_cam_equals_textbook(string method, Func<Tensor, Tensor, Tensor> combine)
    {
        using var scope = NewDisposeScope();
        using var model = TinyNets.RandomDemo();
        random.manual_seed(11);
        var x = randn(4, 3, 64, 64);
        var targets = tensor(new long[] { 0, 3, 1, 4 });
        int layerIndex = method.Contains("features.7") ? 7 : 9;
        var (a, g) = TextbookActivationsAndGradients(model, x, targets, layerIndex);
        var expected = Upsample(combine(a, g), x);
        var actual = ExplainerCatalog.Create(method).Explain(model, x, targets, 0);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.abs().max().item<float>() > 0, "the textbook map is not all zero");
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-6), $"max difference {(actual - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void Integrated_gradients_are_complete()
    {
        using var scope = NewDisposeScope();
        using var model = TinyNets.RandomDemo();
        random.manual_seed(12);
        var x = randn(2, 3, 64, 64);
        var targets = tensor(new long[] { 2, 0 });
        var attributions = ExplainerCatalog.Create("integrated-gradients(steps=128)").Explain(model, x, targets, 0).sum([1, 2]);
        using var _ = no_grad();
        var logits = model.Forward(x).gather(1, targets.unsqueeze(1)).squeeze(1);
        var baseline = model.Forward(zeros_like(x)).gather(1, targets.unsqueeze(1)).squeeze(1);
        var difference = logits - baseline;
        for (int i = 0; i < 2; i++)
        {
            float expected = difference[i].item<float>(), actual = attributions[i].item<float>();
            Assert.True(Math.Abs(expected) > 1e-3, "the case is not trivial");
            Assert.True(Math.Abs(actual - expected) <= 0.01 * Math.Abs(expected) + 1e-4, $"Σ IG = {actual}, f(x) − f(x') = {expected}");
        }
    }

    [Theory]
    [InlineData("grad-cam")]
    [InlineData("grad-cam++")]
    [InlineData("integrated-gradients(steps=8,batch=5)")]
    [InlineData("saliency")]
    public void A_batch_gives_the_same_maps_as_images_one_by_one(string method)
    {
        using var scope = NewDisposeScope();
        using var model = TinyNets.RandomDemo();
        random.manual_seed(13);
        var x = randn(3, 3, 64, 64);
        var targets = tensor(new long[] { 1, 4, 2 });
        var explainer = ExplainerCatalog.Create(method);
        var batch = explainer.Explain(model, x, targets, 9);
        for (int i = 0; i < 3; i++)
        {
            var single = explainer.Explain(model, x[i..(i + 1)], targets[i..(i + 1)], 9);
            Assert.True(single[0].allclose(batch[i], rtol: 1e-4, atol: 1e-6), $"image {i}: max difference {(single[0] - batch[i]).abs().max().item<float>()}");
        }
    }

    [Fact]
    public void Smoothgrad_is_deterministic_for_a_seed_and_varies_with_it()
    {
        using var scope = NewDisposeScope();
        using var model = TinyNets.RandomDemo();
        var x = randn(2, 3, 64, 64);
        var targets = tensor(new long[] { 1, 2 });
        var explainer = ExplainerCatalog.Create("smoothgrad(samples=4)");
        Assert.True(explainer.Explain(model, x, targets, 1).equal(explainer.Explain(model, x, targets, 1)).all().item<bool>());
        Assert.False(explainer.Explain(model, x, targets, 1).allclose(explainer.Explain(model, x, targets, 2)));
    }
}
