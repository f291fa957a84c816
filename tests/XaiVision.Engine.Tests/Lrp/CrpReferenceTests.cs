using System.Text.Json;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Lrp;

/// <summary>
/// Against zennit-crp itself (tools/crp_reference.py: zennit-crp on zennit 0.4.6 and PyTorch 1.13, seeded demo-shapes weights, three
/// images, each explained for a set class): the plain LRP map, the channel relevances at <c>features.8</c> and the conditional maps of
/// each image's top three channels alone and its top two together, for Zennit's EpsilonPlusFlat and EpsilonGammaBox.
/// </summary>
public class CrpReferenceTests(Xunit.Abstractions.ITestOutputHelper log)
{
    sealed record Composite(float[][] ChannelRelevance, int[][][] Conditions);
    sealed record Reference(string Layer, long[] Targets, Dictionary<string, Composite> Composites);

    static readonly Reference Fixture = JsonSerializer.Deserialize<Reference>(File.ReadAllText(Fixtures.Path("crp", "crp.json")),
        new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    static readonly (float[] Values, int[] Shape) Maps = NpyFile.ReadFloat32(File.ReadAllBytes(Fixtures.Path("crp", "maps.npy")));

    static float[] ReferenceMap(int composite, int image, int condition) =>
        Maps.Values.AsSpan((((composite * 3) + image) * 5 + condition) * 64 * 64, 64 * 64).ToArray();

    static ExplainableModel Model() => ModelLoader.Load(new ModelSpec(ArchitectureRegistry.Demo, Fixtures.Path("crp", "demo.pth")), CPU);

    static Tensor Input()
    {
        var (values, shape) = NpyFile.ReadFloat32(File.ReadAllBytes(Fixtures.Path("crp", "input.npy")));
        return tensor(values).view(shape.Select(s => (long)s).ToArray());
    }

    static double Pearson(float[] a, float[] b) => MapSimilarity.Pearson(a.Select(v => (double)v).ToArray(), b.Select(v => (double)v).ToArray());

    [Theory]
    [InlineData("epsilon-plus-flat", 0)]
    [InlineData("epsilon-gamma-box", 1)]
    public void Conditional_maps_and_channel_relevances_match_zennit_crp(string preset, int index)
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        var x = Input();
        var targets = tensor(Fixture.Targets);
        var reference = Fixture.Composites[preset];
        var plain = SuiteRunner.Rows(ExplainerCatalog.Create($"lrp:{preset}").Explain(model, x, targets, 0));
        var crp = (IConceptExplainer)ExplainerCatalog.Create($"crp:{preset}(layer={Fixture.Layer},top=1)");
        var concepts = crp.ExplainWithConcepts(model, x, targets, 0).Concepts;
        double lowestPlain = 1, lowestConditional = 1, largestShareError = 0;
        for (int i = 0; i < 3; i++)
        {
            double r = Pearson(plain[i], ReferenceMap(index, i, 0));
            Assert.True(r >= 0.999, $"{preset}, image {i}: plain LRP r = {r:F5}");
            lowestPlain = Math.Min(lowestPlain, r);
            var shares = reference.ChannelRelevance[i];
            Assert.Equal(shares.Select((s, c) => (s, c)).OrderByDescending(p => p.s).Take(CrpExplainerKept).Select(p => p.c), concepts[i].Top.Select(c => c.Channel));
            foreach (var share in concepts[i].Top)
            {
                Assert.Equal(shares[share.Channel], share.Share, 1e-4f);
                largestShareError = Math.Max(largestShareError, Math.Abs(shares[share.Channel] - share.Share));
            }
            for (int j = 0; j < 4; j++)
            {
                var channels = string.Join('+', reference.Conditions[i][j]);
                var map = SuiteRunner.Rows(ExplainerCatalog.Create($"crp:{preset}(layer={Fixture.Layer},channels={channels})").Explain(model, x, targets, 0))[i];
                double rc = Pearson(map, ReferenceMap(index, i, 1 + j));
                Assert.True(rc >= 0.999, $"{preset}, image {i}, channels {channels}: r = {rc:F5}");
                lowestConditional = Math.Min(lowestConditional, rc);
            }
        }
        log.WriteLine($"{preset}: plain LRP lowest r {lowestPlain:F6}; conditional maps (12) lowest r {lowestConditional:F6}; shares largest |Δ| {largestShareError:E1}");
    }

    sealed record RelMaxChannel(int[] Samples, float[] Shares);
    sealed record RelMax(string Layer, long[] Targets, Dictionary<string, RelMaxChannel> Channels);

    /// <summary>
    /// tools/relmax_reference.py: zennit-crp's FeatureVisualization (RelMax, max_target "sum", abs_norm) over 24 images. Our references
    /// are chosen among the images where the channel is one of the three located concepts (those have a window to crop); over that same
    /// candidate set they must be zennit-crp's order exactly, with its shares.
    /// </summary>
    [Fact]
    public void The_atlas_references_are_zennit_crps_relevance_maximisation_over_the_same_candidates()
    {
        using var scope = NewDisposeScope();
        var fixture = JsonSerializer.Deserialize<RelMax>(File.ReadAllText(Fixtures.Path("crp", "relmax.json")), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        var (values, shape) = NpyFile.ReadFloat32(File.ReadAllBytes(Fixtures.Path("crp", "relmax-input.npy")));
        var x = tensor(values).view(shape.Select(s => (long)s).ToArray());
        using var model = Model();
        var crp = (IConceptExplainer)ExplainerCatalog.Create($"crp:epsilon-plus-flat(layer={fixture.Layer},top=1)");
        var result = crp.ExplainWithConcepts(model, x, tensor(fixture.Targets), 0);
        foreach (var located in result.Located) located.Dispose();
        var records = result.Concepts.Select((concepts, i) =>
        {
            var target = new ClassScore(fixture.Targets[i], $"class{fixture.Targets[i]}", 0, 0);
            return new XaiVision.Engine.Reports.ImageRecord($"s{i}.png", $"s{i}", 64, 64, target, [target],
                [new XaiVision.Engine.Reports.ExplanationRecord("crp", new Dictionary<string, string>(), target, null, null, "", 0, 0, 0, 0, Concepts: concepts)],
                null, Input: $"s{i}/input.png");
        }).ToList();
        var atlas = XaiVision.Engine.Reports.AuditOutputs.ModelOf(new XaiVision.Engine.Reports.ReportRequest("demo", "class", 1, [], []), records).Report.Concepts!;
        Assert.NotEmpty(atlas.References);
        int unrestricted = 0;
        foreach (var references in atlas.References)
        {
            var zennit = fixture.Channels[references.Channel.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            var candidates = result.Concepts.Select((c, i) => (c, i)).Where(p => p.c.Top.Take(ConceptShares.Located).Any(s => s.Channel == references.Channel))
                .Select(p => p.i).ToHashSet();
            var expected = zennit.Samples.Where(candidates.Contains).Take(XaiVision.Engine.Reports.ConceptCollector.ReferencesPerConcept).ToList();
            Assert.Equal(expected.Select(i => $"s{i}"), references.Images.Select(r => r.Image));
            foreach (var r in references.Images)
                Assert.Equal(zennit.Shares[Array.IndexOf(zennit.Samples, int.Parse(r.Image[1..], System.Globalization.CultureInfo.InvariantCulture))], r.Share, 1e-4f);
            if (zennit.Samples.Take(expected.Count).SequenceEqual(expected)) unrestricted++;
        }
        log.WriteLine($"{atlas.References.Count} channels with references: every one zennit-crp's RelMax order over the same candidates; "
            + $"{unrestricted} of them also zennit-crp's unrestricted top {XaiVision.Engine.Reports.ConceptCollector.ReferencesPerConcept}");
    }

    const int CrpExplainerKept = XaiVision.Engine.Lrp.Concepts.CrpExplainer.ConceptsKept;
}
