using XaiVision.Engine.Metrics;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Metrics;

/// <summary>
/// eMPRT and sMPRT re-initialise the model as Quantus does (their values equal to Quantus's: QuantusReferenceTests); here, what
/// must hold whatever the weights: a map that ignores the model scores no change, the layers go bottom up, and the model comes
/// back bit for bit, its batch-norm statistics included.
/// </summary>
public sealed class ModelRandomisationTests
{
    static (double Efficient, MetricResult Smooth) Run(Engine.Models.ExplainableModel model, string method, Tensor images, Tensor targets)
    {
        var explainer = ExplainerCatalog.Create(method);
        var maps = explainer.Explain(model, images, targets, 0);
        var context = new MetricContext(model, explainer, images, targets, maps, [], 5);
        return (new EfficientMprt().Evaluate(context)[0].Values["efficient-mprt"], new SmoothMprt(3, 0.1).Evaluate(context)[0]);
    }

    [Fact]
    public void A_map_that_ignores_the_model_is_unchanged_and_the_model_is_restored()
    {
        using var scope = NewDisposeScope();
        using var model = TinyNets.RandomDemo(11);
        var images = randn([2, 3, 64, 64], generator: new Generator(4));
        var targets = tensor(new long[] { 0, 2 });
        var state = model.Network.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        var (efficient, smooth) = Run(model, "center", images, targets);
        Assert.Equal(0, efficient, 12);
        Assert.Equal(1, smooth.Values["smooth-mprt"], 9);

        var (_, saliency) = Run(model, "saliency", images, targets);
        var curve = saliency.Curves["smooth-mprt"];
        Assert.StartsWith("1:features.0", curve.Stages![0]); // bottom up, as Quantus's default order
        Assert.Equal(saliency.Values["smooth-mprt"], curve.Points[^1]);
        Assert.True(curve.Points[^1] < 0.9, $"the saliency of a randomised model still ranks pixels as before: {curve.Points[^1]}");
        Assert.All(model.Network.state_dict(), p => Assert.True(p.Value.equal(state[p.Key]).all().item<bool>(), $"{p.Key} was not restored"));
    }

    [Fact]
    public void Batch_norms_are_reset_to_the_identity_and_restored()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(2);
        using var model = TinyNets.Wrap(new TinyNets.PyTinyNet(), "features.2", 4);
        using (no_grad())
            foreach (var (name, buffer) in model.Network.named_buffers().Where(b => b.name.Contains("running"))) buffer.copy_(rand_like(buffer) + 0.5);
        model.Network.eval();
        var state = model.Network.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        using (var reset = new LayerReset(model.Network, 0))
        {
            Assert.Equal(["features.0", "features.1", "classifier.0"], reset.Layers);
            for (int i = 0; i < reset.Layers.Count; i++) reset.Reset(i);
            var now = model.Network.state_dict();
            Assert.True(now["features.1.running_var"].eq(1).all().item<bool>() && now["features.1.running_mean"].eq(0).all().item<bool>());
            Assert.True(now["features.1.weight"].eq(1).all().item<bool>() && now["features.1.bias"].eq(0).all().item<bool>());
            var bound = 1 / Math.Sqrt(3 * 3 * 3); // torch's Kaiming bound for a = √5: 1/√fan_in
            Assert.True(now["features.0.weight"].abs().max().item<float>() <= bound && !now["features.0.weight"].equal(state["features.0.weight"]).all().item<bool>());
        }
        Assert.All(model.Network.state_dict(), p => Assert.True(p.Value.equal(state[p.Key]).all().item<bool>(), $"{p.Key} was not restored"));
    }

    [Fact]
    public void The_histogram_entropy_bins_as_numpy()
    {
        // np.histogram(a, bins=100) then scipy.stats.entropy, by hand: 100 distinct evenly spread values fill every bin once → ln 100;
        // two values → two bins, half each → ln 2; one value repeated → one bin → 0.
        Assert.Equal(Math.Log(100), EfficientMprt.HistogramEntropy(Enumerable.Range(0, 100).Select(i => (float)i).ToArray()), 12);
        Assert.Equal(Math.Log(2), EfficientMprt.HistogramEntropy([0f, 1f, 0f, 1f]), 12);
        Assert.Equal(0, EfficientMprt.HistogramEntropy([3f, 3f, 3f]), 12);
    }
}
