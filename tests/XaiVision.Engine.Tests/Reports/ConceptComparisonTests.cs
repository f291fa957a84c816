using XaiVision.Engine.Explainers;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Suites;

namespace XaiVision.Engine.Tests.Reports;

/// <summary>
/// Concepts across runs: the probe images (the same set whatever the order, bounded), coverage by hand, and which concepts are
/// matched, new and vanished between two runs whose channel numbers differ — in report.json and report.html.
/// </summary>
public class ConceptComparisonTests
{
    static ImageRecord Record(int i, params ChannelShare[] top) => new($"{i}.png", $"img{i}", 64, 64,
        new ClassScore(0, "a", 1, 0.9f), [new ClassScore(0, "a", 1, 0.9f)],
        [new ExplanationRecord("crp", new Dictionary<string, string> { ["top"] = "1" }, new ClassScore(0, "a", 1, 0.9f), $"img{i}/crp.png", null, "min-max", 0, 1, 1, 0,
            Concepts: new ConceptShares("features.9", top))],
        null, Input: $"img{i}/input.png");

    static ChannelShare At(int channel, float share, int x, int y) => new(channel, share, new ConceptBox(x, y, 24), 0.5f);

    static ReportRequest Request => new("m", "label", 1, [], []);

    [Fact]
    public void The_probe_images_are_the_smallest_hashes_whatever_the_order_and_never_more_than_1024()
    {
        var records = Enumerable.Range(0, 2500).Select(i => Record(i, At(1, 0.5f, 0, 0))).ToList();
        var forward = AuditOutputs.ModelOf(Request, records).Report.Concepts!.Probes!.Select(p => p.Image).ToList();
        var shuffled = records.OrderBy(r => (r.Name.GetHashCode() * 31) ^ 7).ToList();
        var backward = AuditOutputs.ModelOf(Request, shuffled).Report.Concepts!.Probes!.Select(p => p.Image).ToList();
        Assert.Equal(1024, forward.Count);
        Assert.Equal(forward, backward);
        var smallest = records.Select(r => r.Name).OrderBy(n => (ValueSample.SeedFor(0, n), n)).Take(1024);
        Assert.Equal(smallest, forward);
    }

    [Fact]
    public void Coverage_weighs_the_shares_where_the_other_concept_is_relevant_in_the_same_window()
    {
        ConceptProbeEntry E(float share, int x) => new("crp", 1, share, new ConceptBox(x, 0, 10));
        var a = new Dictionary<string, ConceptProbeEntry> { ["i"] = E(0.6f, 0), ["j"] = E(0.2f, 0), ["k"] = E(0.2f, 0) };
        var b = new Dictionary<string, ConceptProbeEntry> { ["i"] = E(0.1f, 0), ["j"] = E(0.9f, 5), ["z"] = E(0.9f, 0) };
        // i: same window (IoU 1); j: shifted by half (IoU 50/150 = 1/3); k: b not there. (0.6·1 + 0.2/3 + 0) / 1.0
        Assert.Equal(0.6 + 0.2 / 3, ConceptComparison.Coverage(a, b), 1e-6);
        Assert.Equal(1.0, ConceptComparison.Coverage(a, a), 12);
        // b by a: i (0.1·1) + j (0.9/3) over 1.9 — coverage is not symmetric
        Assert.Equal((0.1 + 0.9 / 3) / 1.9, ConceptComparison.Coverage(b, a), 1e-6);
        Assert.Equal(1 / 3.0, ConceptComparison.IoU(new ConceptBox(0, 0, 10), new ConceptBox(5, 0, 10)), 12);
        Assert.Equal(0, ConceptComparison.IoU(new ConceptBox(0, 0, 10), new ConceptBox(10, 10, 10)));
    }

    [Fact]
    public void Concepts_are_matched_by_what_they_do_not_by_their_channel_numbers()
    {
        // Baseline: channel 1 on images 0–9 top-left and on 20–29 top-right, channel 2 on images 10–19 bottom-right.
        var baseline = Enumerable.Range(0, 30).Select(i => i < 10 ? Record(i, At(1, 0.6f, 0, 0)) : i < 20 ? Record(i, At(2, 0.5f, 40, 40))
            : Record(i, At(1, 0.6f, 40, 0))).ToList();
        // Candidate: channel 7 does what 1 did; channel 8 is relevant on the same images as 2 but elsewhere (a new concept); channel 9 on
        // images 20–29 where the baseline's channel 1 is relevant elsewhere (new too).
        // Channel 4 is located on two images only (30, 31): too little to say, not compared.
        var candidate = Enumerable.Range(0, 32).Select(i => i < 10 ? Record(i, At(7, 0.7f, 0, 0)) : i < 20 ? Record(i, At(8, 0.4f, 0, 40))
            : i < 30 ? Record(i, At(9, 0.3f, 20, 20)) : Record(i, At(4, 0.9f, 10, 10))).ToList();
        var before = AuditOutputs.ModelOf(Request, baseline).Report.Concepts!;
        var outputs = AuditOutputs.Build(Request, candidate, baselineConcepts: before);
        var change = Assert.Single(outputs.Report.Concepts!.Changes!);
        Assert.Equal(("crp", 30), (change.Method, change.ProbeImages));
        var match = Assert.Single(change.Matched);
        Assert.Equal((1, 7), (match.Baseline, match.Candidate));
        Assert.Equal(1.0, match.Coverage, 6);
        Assert.Equal([8, 9], change.New.Select(n => n.Channel).Order());
        Assert.All(change.New, n => Assert.True(n.BestCoverage < ConceptComparison.Threshold));
        Assert.Equal(["a"], change.New[0].Classes);
        Assert.Equal(2, Assert.Single(change.Vanished).Channel);
        Assert.Equal(4, Assert.Single(change.Uncompared).Channel);
        Assert.Equal(0, change.UncomparedBaseline);
        // The same run against itself: everything matched.
        var itself = ConceptComparison.Compare(before, before).Single();
        Assert.Empty(itself.New);
        Assert.Empty(itself.Vanished);
        Assert.All(itself.Matched, m => Assert.Equal(m.Baseline, m.Candidate));
        // report.html: the new concepts with their reference crops and their conditional heatmaps beside them.
        Assert.Contains("crp against the baseline run", outputs.Html);
        Assert.Contains("<b>2</b> new, <b>1</b> vanished, 1 matched: 1→7 (1.00). Not compared", outputs.Html);
        Assert.Contains("1 of this run's concepts (#4), 0 of the baseline's.", outputs.Html);
        Assert.Contains("src=\"img20/crp.png\"", outputs.Html);
    }

    [Fact]
    public void A_reference_keeps_its_conditional_heatmap_only_where_the_map_was_conditioned_on_that_channel_alone()
    {
        var records = Enumerable.Range(0, 3).Select(i => Record(i, At(5, 0.5f, 1, 2), At(6, 0.3f, 30, 30))).ToList();
        var fixedChannel = records[0] with
        {
            Name = "fixed", Explanations = [records[0].Explanations[0] with { Method = "crp-6", Parameters = new Dictionary<string, string> { ["channels"] = "6" } }],
        };
        var outputs = AuditOutputs.Build(Request, [.. records, fixedChannel]);
        var atlas = outputs.Report.Concepts!;
        Assert.All(atlas.ReferencesOf("crp", 5), r => Assert.Equal($"{r.Image}/crp.png", r.Heatmap)); // top=1: the map is channel 5's
        Assert.All(atlas.ReferencesOf("crp", 6), r => Assert.Null(r.Heatmap)); // second: the map is not its own
        Assert.Equal("img0/crp.png", Assert.Single(atlas.ReferencesOf("crp-6", 6)).Heatmap); // channels=6: its own
        Assert.Contains("src=\"img0/crp.png\"", outputs.Html);
        Assert.Contains(outputs.Model.Shown, r => r.Name == "img1" && r.Explanations.Any(e => e.Overlay == "img1/crp.png")); // extracted from an archive too
    }
}
