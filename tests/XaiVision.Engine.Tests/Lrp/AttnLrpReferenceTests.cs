using System.Text.Json;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using XaiVision.Engine.Models.Weights;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Lrp;

/// <summary>
/// Against LXT itself (tools/attnlrp_reference.py: LXT's torchvision ViT patches and zennit 0.5.1's γ on PyTorch 1.13, a small seeded
/// torchvision ViT, three images, each explained for a set class): the network's logits, and <c>lrp:attnlrp</c>'s maps for LXT's CP-LRP
/// recipe at two γ pairs and for AttnLRP's uniform rule inside the attention.
/// </summary>
public class AttnLrpReferenceTests(Xunit.Abstractions.ITestOutputHelper log)
{
    sealed record Variant(string Attention, double ConvGamma, double LinearGamma, double[] RelevanceSums);
    sealed record Reference(ViTShape Shape, long[] Targets, float[][] Logits, Dictionary<string, Variant> Variants);

    static readonly Reference Fixture = JsonSerializer.Deserialize<Reference>(File.ReadAllText(Fixtures.Path("attnlrp", "attnlrp.json")),
        new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    static readonly (float[] Values, int[] Shape) Maps = NpyFile.ReadFloat32(File.ReadAllBytes(Fixtures.Path("attnlrp", "maps.npy")));

    /// <summary>The fixture's small ViT as an architecture of the ViT family (so LRP's ViT rules and refusals apply to it).</summary>
    public static Architecture Small(ViTShape shape) => ArchitectureRegistry.Get("vit_b_16") with
    {
        Name = "vit-small", Create = n => new VisionTransformer(shape, n), DefaultInputSize = shape.ImageSize, FixedInputSize = shape.ImageSize,
    };

    public static ExplainableModel Model()
    {
        var architecture = Small(Fixture.Shape);
        var network = architecture.Create(5);
        WeightFile.Load(network, Fixtures.Path("attnlrp", "vit.pth"), architecture.Name);
        return new ExplainableModel(network, architecture, Preprocessing.ImageNet(32, 32), null, CPU, architecture.Name);
    }

    public static Tensor Input()
    {
        var (values, shape) = NpyFile.ReadFloat32(File.ReadAllBytes(Fixtures.Path("attnlrp", "input.npy")));
        return tensor(values).view(shape.Select(s => (long)s).ToArray());
    }

    [Fact]
    public void The_written_out_attention_gives_torchvisions_logits()
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        using var _ = no_grad();
        var logits = model.Forward(Input());
        for (int i = 0; i < 3; i++)
            for (int c = 0; c < 5; c++)
                Assert.Equal(Fixture.Logits[i][c], logits[i, c].item<float>(), 1e-5f);
    }

    [Theory]
    [InlineData("cp-0.25-0.05")]
    [InlineData("cp-100-0")]
    [InlineData("attnlrp")]
    public void Maps_match_lxt(string variant)
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        var reference = Fixture.Variants[variant];
        int index = Fixture.Variants.Keys.ToList().IndexOf(variant);
        var method = FormattableString.Invariant($"lrp:attnlrp(attention={reference.Attention},conv-gamma={reference.ConvGamma},linear-gamma={reference.LinearGamma})");
        var maps = ExplainerCatalog.Create(method).Explain(model, Input(), tensor(Fixture.Targets), 0);
        var rows = SuiteRunner.Rows(maps);
        double lowest = 1;
        for (int i = 0; i < 3; i++)
        {
            var expected = Maps.Values.AsSpan((index * 3 + i) * 32 * 32, 32 * 32).ToArray();
            double r = MapSimilarity.Pearson(rows[i].Select(v => (double)v).ToArray(), expected.Select(v => (double)v).ToArray());
            Assert.True(r >= 0.99, $"{method}, image {i}: r = {r:F5}");
            Assert.Equal(reference.RelevanceSums[i], maps[i].sum().item<float>(), 1e-3 * Math.Max(1, Math.Abs(reference.RelevanceSums[i])));
            lowest = Math.Min(lowest, r);
        }
        log.WriteLine($"{variant}: lowest r {lowest:F6}");
    }

    /// <summary>The fixture tells the rules apart: plain input × gradient on the same net is far from LXT's map.</summary>
    [Fact]
    public void Input_times_gradient_does_not_pass_for_lxt()
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        var rows = SuiteRunner.Rows(ExplainerCatalog.Create("input-x-gradient").Explain(model, Input(), tensor(Fixture.Targets), 0));
        var expected = Maps.Values.AsSpan(0, 32 * 32).ToArray();
        double r = MapSimilarity.Pearson(rows[0].Select(v => (double)v).ToArray(), expected.Select(v => (double)v).ToArray());
        log.WriteLine($"input × gradient vs LXT cp-0.25-0.05, image 0: r = {r:F4}");
        Assert.True(r < 0.95, $"r = {r:F4}");
    }
}
