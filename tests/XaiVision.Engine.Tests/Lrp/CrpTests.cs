using XaiVision.Engine.Explainers;
using XaiVision.Engine.Lrp;
using XaiVision.Engine.Lrp.Concepts;
using XaiVision.Engine.Suites;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Lrp;

/// <summary>Concept Relevance Propagation: what follows from its definition, on a random demo net in float64.</summary>
public class CrpTests
{
    const string Layer = "features.8"; // the demo net's last convolution: 64 channels

    [Theory]
    [InlineData("lrp:epsilon-plus-flat", true)]
    [InlineData("lrp-composite", false)] // ε (a share of rms z) on the demo's upper convolutions and pools absorbs relevance
    [InlineData("lrp:epsilon-gamma-box", true)]
    public void The_conditional_maps_of_every_channel_one_by_one_sum_to_the_plain_map(string method, bool conservingBelow)
    {
        using var scope = NewDisposeScope();
        using var model = LrpReferenceTests.Network("demo-shapes", 31);
        random.manual_seed(4);
        var x = randn([2, 3, 64, 64], dtype: ScalarType.Float64);
        var targets = tensor(new long[] { 2, 0 });
        var lrp = (LrpExplainer)ExplainerCatalog.Create(method);
        var plain = lrp.Relevance(model, x, targets);
        var result = ConditionalRelevance.Compute(lrp, model, x, targets, Layer,
            relevance => Enumerable.Range(0, 64).Select(c => zeros_like(relevance).index_fill_(1, tensor(new long[] { c }), 1.0)).ToList());

        Assert.Equal(64, result.Maps.Count);
        var sum = result.Maps.Aggregate((a, b) => a + b);
        double scale = plain.abs().max().item<double>();
        Assert.True(scale > 1e-6);
        Assert.True((sum - plain).abs().max().item<double>() <= 1e-9 * scale, $"{method}: Σ conditional ≠ plain");
        // Where every rule below the layer conserves relevance (zero biases: z⁺, γ, flat and z^B do), each channel's conditional map
        // holds that channel's relevance at the layer.
        Assert.Equal([2L, 64L], result.ChannelRelevance.shape);
        if (!conservingBelow) return;
        var mapTotals = stack(result.Maps.Select(m => m.sum([1, 2, 3])).ToList(), 1);
        double relevanceScale = result.ChannelRelevance.abs().max().item<double>();
        Assert.True((mapTotals - result.ChannelRelevance).abs().max().item<double>() <= 1e-6 * relevanceScale, $"{method}: a channel's map does not hold its relevance");
    }

    [Fact]
    public void A_channel_set_is_the_sum_of_its_channels_and_top_k_conditions_on_each_image_s_most_relevant()
    {
        using var scope = NewDisposeScope();
        using var model = LrpReferenceTests.Network("demo-shapes", 32);
        random.manual_seed(6);
        var x = randn([2, 3, 64, 64], dtype: ScalarType.Float64);
        var targets = tensor(new long[] { 1, 3 });
        Tensor Map(string method) => ExplainerCatalog.Create(method).Explain(model, x, targets, 0);

        var both = Map($"crp:epsilon-plus-flat(layer={Layer},channels=5+9)");
        var sum = Map($"crp:epsilon-plus-flat(layer={Layer},channels=5)") + Map($"crp:epsilon-plus-flat(layer={Layer},channels=9)");
        Assert.True((both - sum).abs().max().item<double>() <= 1e-9 * both.abs().max().item<double>());

        var crp = (IConceptExplainer)ExplainerCatalog.Create($"crp:epsilon-plus-flat(layer={Layer},top=2)");
        var result = crp.ExplainWithConcepts(model, x, targets, 0);
        for (int i = 0; i < 2; i++)
        {
            var concepts = result.Concepts[i];
            Assert.Equal(Layer, concepts.Layer);
            Assert.Equal(CrpExplainer.ConceptsKept, concepts.Top.Count);
            Assert.Equal(concepts.Top.OrderByDescending(c => c.Share).Select(c => c.Channel), concepts.Top.Select(c => c.Channel));
            var (a, b) = (concepts.Top[0].Channel, concepts.Top[1].Channel);
            var expected = Map($"crp:epsilon-plus-flat(layer={Layer},channels={a}+{b})")[i];
            Assert.True((result.Maps[i] - expected).abs().max().item<double>() <= 1e-9 * expected.abs().max().item<double>(), $"image {i}: top=2 ≠ channels={a}+{b}");
        }
    }

    [Fact]
    public void The_shares_are_the_channel_relevances_over_their_total_magnitude()
    {
        using var scope = NewDisposeScope();
        var relevance = tensor(new double[,] { { 3, -1, 0, 4 }, { -2, -2, 1, 0 } });
        var top = ConditionalRelevance.Top(relevance, "L", 3);
        Assert.Equal([3, 0, 2], top[0].Top.Select(c => c.Channel)); // 4/8, 3/8, 0, then −1/8
        Assert.Equal([0.5f, 0.375f, 0f], top[0].Top.Select(c => c.Share));
        Assert.Equal(2, top[1].Top[0].Channel);
        Assert.Equal(0.2f, top[1].Top[0].Share, 1e-6f);
    }

    [Theory]
    [InlineData("crp(channels=1,top=2)", "give channels")]
    [InlineData("crp(channels=1+x)", "channels must be different channel numbers")]
    [InlineData("crp(channels=3+3)", "channels must be different channel numbers")]
    [InlineData("crp(top=0)", "top must be a whole number from 1 to 64")]
    [InlineData("crp(steps=3)", "has no parameter 'steps'")]
    [InlineData("crp:no-such-preset", "Unknown LRP preset")]
    public void Mistakes_in_the_method_string_are_named(string method, string message)
    {
        var error = Assert.Throws<XaiVisionException>(() => ExplainerCatalog.Create(method));
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("crp(layer=features.8,channels=64)", "has 64 channels (0–63); there is no channel 64")]
    [InlineData("crp(layer=features.99)", "has no layer 'features.99'")]
    public void Mistakes_that_need_the_model_are_named(string method, string message)
    {
        using var scope = NewDisposeScope();
        using var model = LrpReferenceTests.Network("demo-shapes", 33);
        var error = Assert.Throws<XaiVisionException>(() => ExplainerCatalog.Create(method).Explain(model, zeros(1, 3, 64, 64, dtype: ScalarType.Float64), tensor(new long[] { 0 }), 0));
        Assert.Contains(message, error.Message);
    }
}
