using TorchSharp.Modules;
using XaiVision.Engine.Lrp;
using XaiVision.Engine.Suites;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Lrp;

/// <summary>
/// Conservation layer by layer (Montavon et al. 2019: Σ_i R_i is the same at every layer and equals the explained logit for rules
/// without a sink): the relevance the layer sweep reads at each layer's input, in float64 with zero biases.
/// </summary>
public class LrpConservationTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "demo-shapes", "lrp-epsilon(epsilon=1e-12)" }, { "demo-shapes", "lrp-composite(epsilon=0)" }, { "demo-shapes", "lrp:epsilon-alpha2-beta1(epsilon=1e-12)" },
        { "demo-shapes", "lrp:epsilon-gamma-box(epsilon=1e-12)" },
        { "vgg11", "lrp-epsilon(epsilon=1e-12)" }, { "vgg11", "lrp-composite(epsilon=0)" }, { "vgg11", "lrp:epsilon-plus(epsilon=1e-12)" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Relevance_sums_to_the_logit_at_every_layer(string architecture, string method)
    {
        using var model = LrpReferenceTests.Network(architecture, 5);
        using (no_grad())
            foreach (var module in model.Network.modules())
                if (module is Conv2d { bias: { } convBias }) convBias.zero_();
                else if (module is Linear { bias: { } linearBias }) linearBias.zero_();
        var lrp = (LrpExplainer)ExplainerCatalog.Create(method);
        random.manual_seed(2);
        using var images = (rand(2, 3, 64, 64, ScalarType.Float64) * 2 - 1) * 1.5;
        using var logits = model.Forward(images).detach();
        var targets = logits.argmax(1);
        var score = logits.gather(1, targets.unsqueeze(1)).squeeze(1).data<double>().ToArray();
        var (input, layers) = lrp.RelevancePerLayer(model, images, targets);
        var all = new[] { ("input", input) }.Concat(layers.Select(l => (l.Layer, l.Relevance))).ToList();
        Assert.True(all.Count >= 4, $"{all.Count} layers");
        foreach (var (layer, relevance) in all)
        {
            var sums = relevance.reshape(2, -1).sum(1).data<double>().ToArray();
            for (int i = 0; i < 2; i++)
                Assert.True(Math.Abs(sums[i] - score[i]) <= 1e-6 * Math.Abs(score[i]), $"{method} at {layer}, image {i}: ΣR {sums[i]} vs logit {score[i]}");
        }
    }

    [Fact]
    public void Epsilon_rms_absorbs_relevance_in_the_upper_layers_only()
    {
        using var model = LrpReferenceTests.Network("vgg11", 5);
        var lrp = (LrpExplainer)ExplainerCatalog.Create("lrp-composite");
        random.manual_seed(2);
        using var images = rand(1, 3, 64, 64, ScalarType.Float64) * 2 - 1;
        using var targets = model.Forward(images).detach().argmax(1);
        var (input, layers) = lrp.RelevancePerLayer(model, images, targets);
        var sums = layers.Select(l => l.Relevance.sum().item<double>()).ToList();
        double last = sums[^1];
        Assert.True(Math.Abs(input.sum().item<double>() - last) > 1e-6 * Math.Abs(last), "the ε·rms rule is a sink: relevance at the input differs from the last layer's");
    }
}
