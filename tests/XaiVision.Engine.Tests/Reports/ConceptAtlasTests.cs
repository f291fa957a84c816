using XaiVision.Engine.Explainers;
using XaiVision.Engine.Lrp.Concepts;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Suites;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Reports;

/// <summary>The concept atlas: where a concept is relevant, its fold over the records (bounded), and the report's section.</summary>
public class ConceptAtlasTests
{
    [Fact]
    public void A_concept_s_window_holds_the_most_positive_relevance_of_its_map()
    {
        using var scope = NewDisposeScope();
        var maps = zeros(3, 64, 64);
        maps[0, 10, 50] = tensor(5f);
        maps[1].fill_(-1f);
        maps[2, 60, 2] = tensor(1f);
        maps[2, 30, 30] = tensor(-9f); // negative relevance is not where the concept is
        var boxes = ConceptLocation.Boxes(maps);
        Assert.Equal(24, boxes[0]!.Size); // 3/8 of 64
        Assert.InRange(50, boxes[0]!.X, boxes[0]!.X + 23);
        Assert.InRange(10, boxes[0]!.Y, boxes[0]!.Y + 23);
        Assert.Null(boxes[1]);
        Assert.InRange(2, boxes[2]!.X, boxes[2]!.X + 23);
        Assert.InRange(60, boxes[2]!.Y, boxes[2]!.Y + 23);
        Assert.True(boxes[2]!.X + 24 <= 64 && boxes[2]!.Y + 24 <= 64);


        // On the object: the share of a located concept's positive relevance inside the mask (rows without a mask keep none).
        var concepts = new ConceptShares("L", [new ChannelShare(1, 0.5f, boxes[0]), new ChannelShare(2, 0.2f)]);
        var located = zeros(2, 64, 64);
        located[0, 0, 0] = tensor(3f);
        located[0, 0, 1] = tensor(1f);
        located[0, 0, 2] = tensor(-5f);
        var mask = new bool[64 * 64];
        mask[0] = true;
        var onObject = new ConceptMaps(zeros(2, 64, 64), [concepts, concepts], [located]).OnObject([mask, null]);
        Assert.Equal(0.75f, onObject[0].Top[0].OnObject);
        Assert.Null(onObject[0].Top[1].OnObject); // not located
        Assert.Null(onObject[1].Top[0].OnObject); // no mask
    }

    static ImageRecord Record(int i, string className, params ChannelShare[] top) => new($"{i}.png", $"img{i}", 64, 64,
        new ClassScore(0, className, 1, 0.9f), [new ClassScore(0, className, 1, 0.9f)],
        [new ExplanationRecord("crp", new Dictionary<string, string>(), new ClassScore(0, className, 1, 0.9f), null, null, "min-max", 0, 1, 1, 0,
            Concepts: new ConceptShares("features.9", top))],
        null, Input: $"img{i}/input.png");

    static ChannelShare Located(int channel, float share, float? onObject) => new(channel, share, new ConceptBox(1, 2, 24), onObject);

    [Fact]
    public void The_fold_counts_shares_consistency_and_the_object_and_keeps_the_largest_shares_as_references()
    {
        // Ten "a" images: channel 5 first in every one (share 0.1·(i+1), off the object); channel 7 second in the first four, fifth (not
        // among the three most relevant, not located) in the rest; channel 3 among the three in all. Two "b" images with channel 7 first.
        var records = Enumerable.Range(0, 10).Select(i => Record(i, "a", i < 4
                ? [Located(5, 0.1f * (i + 1), 0.2f), Located(7, 0.05f, 0.9f), new ChannelShare(3, 0.01f)]
                : [Located(5, 0.1f * (i + 1), 0.2f), new ChannelShare(3, 0.01f), new ChannelShare(11, 0.005f), new ChannelShare(12, 0.004f), new ChannelShare(7, 0.002f)]))
            .Concat([Record(10, "b", Located(7, 0.6f, 1f)), Record(11, "b", Located(7, 0.6f, 1f))]).ToList();
        var report = AuditOutputs.Build(new ReportRequest("m", "label", 1, [], []), records).Report;

        var atlas = report.Concepts!;
        var concepts = atlas.Classes;
        Assert.Equal(["a", "b"], concepts.Select(c => c.Class));
        var a = concepts[0];
        Assert.Equal(("crp", "features.9", 10), (a.Method, a.Layer, a.Maps));
        Assert.Equal([5, 7, 3, 11, 12], a.Top.Select(c => c.Channel));
        Assert.Equal(0.55, a.Top[0].MeanShare, 1e-6); // (0.1 + … + 1.0) / 10
        Assert.Equal(1.0, a.Top[0].Consistency);
        Assert.Equal(0.2, a.Top[0].OnObject!.Value, 1e-6);
        Assert.True(a.Top[0].OffObject);
        Assert.Equal((4 * 0.05 + 6 * 0.002) / 10, a.Top[1].MeanShare, 1e-6);
        Assert.Equal(0.4, a.Top[1].Consistency);
        Assert.Equal(0.9, a.Top[1].OnObject!.Value, 1e-6);
        Assert.False(a.Top[1].OffObject);
        Assert.Equal(1.0, a.Top[2].Consistency);
        Assert.Null(a.Top[2].OnObject);
        Assert.Empty(atlas.ReferencesOf("crp", 3)); // never located
        Assert.Equal(0.6, a.Top[3].Consistency); // third in six maps
        // Relevance maximisation: channel 5's six largest shares, largest first; channel 7 over every class, equal shares in the job's order.
        Assert.Equal(["img9", "img8", "img7", "img6", "img5", "img4"], atlas.ReferencesOf("crp", 5).Select(r => r.Image));
        Assert.Equal(ConceptCollector.ReferencesPerConcept, atlas.ReferencesOf("crp", 5).Count);
        Assert.Equal(["img10", "img11", "img0", "img1", "img2", "img3"], atlas.ReferencesOf("crp", 7).Select(r => r.Image));
        Assert.Equal("b", atlas.ReferencesOf("crp", 7)[0].Class);
        Assert.Equal([5, 7], atlas.References.Select(r => r.Channel)); // once per channel shown, not per class
    }

    [Fact]
    public void The_report_shows_each_concept_with_crops_of_its_references_and_flags_off_object_ones()
    {
        var records = Enumerable.Range(0, 4).Select(i => Record(i, "a", Located(5, 0.5f, 0.1f), Located(2, 0.3f, 0.8f))).ToList();
        var outputs = AuditOutputs.Build(new ReportRequest("m", "label", 1, [], []), records);
        var html = outputs.Html;
        Assert.Contains("id=\"concepts\"", html);
        Assert.Contains("<h3>crp · a</h3>", html);
        Assert.Contains("off the object", html);
        // The crop: the 24-pixel window at (1, 2) of a 64-pixel picture drawn 72 pixels wide, so the picture is 192 wide, shifted by (−3, −6).
        Assert.Contains("width:192.0px;height:192.0px;left:-3.0px;top:-6.0px", html);
        Assert.Contains("src=\"img0/input.png\"", html);
        Assert.Contains("browser.html#image=img0", html);
        Assert.Contains(outputs.Model.Shown, r => r.Name == "img3" && r.Input == "img3/input.png"); // extracted from an archive too
        // The browser: each crp row names its concepts, and the detail links them to the atlas.
        var rows = string.Concat(outputs.Browser.Where(f => f.Key.StartsWith("browser/rows", StringComparison.Ordinal)).Select(f => f.Value));
        Assert.Contains("\"features.9: #5 (50 %), #2 (30 %)\"", rows);
        Assert.Contains("href=\"report.html#concepts\"", outputs.Browser["browser.html"]);
    }

    /// <summary>Per strategy cluster: its members' concepts, by hand — cluster 1 (img0, img1) and cluster 2 (img2); img3 unanalysed.</summary>
    [Fact]
    public void Each_strategy_cluster_of_a_concept_method_gets_its_members_top_concepts()
    {
        var records = new Dictionary<string, ImageRecord>
        {
            ["img0"] = Record(0, "a", Located(5, 0.6f, 0.1f), Located(2, 0.2f, 0.9f)),
            ["img1"] = Record(1, "a", Located(5, 0.4f, 0.3f), new ChannelShare(9, 0.1f)),
            ["img2"] = Record(2, "a", Located(2, 0.7f, 0.8f)),
        };
        var layout = new XaiVision.Engine.Strategies.RelevanceLayout(0.5, 0.5, new Dictionary<string, double>(), new Dictionary<string, double>());
        XaiVision.Engine.Strategies.StrategyCluster Cluster(int id) => new(id, 1, 0.5, layout, false, null, []);
        var group = new XaiVision.Engine.Strategies.StrategyGroup(
            new XaiVision.Engine.Strategies.StrategySummary("crp", "a", 4, 3, 2, [], [Cluster(1), Cluster(2)], layout), 4, [], [], [],
            [new("img0", 1, 0, 0, 0, 0), new("img1", 1, 0, 0, 0, 0), new("img2", 2, 0, 0, 0, 0)]);
        var clusters = ClusterConcepts.With(group, image => records.GetValueOrDefault(image)).Summary.Clusters;
        var first = clusters[0].Concepts!;
        Assert.Equal([5, 2, 9], first.Select(c => c.Channel));
        Assert.Equal(0.5, first[0].MeanShare, 6); // (0.6 + 0.4) / 2
        Assert.Equal(0.2, first[0].OnObject!.Value, 6);
        Assert.Equal(0.1, first[1].MeanShare, 6); // 0.2 in one of two maps
        Assert.Equal(0.5, first[1].Consistency, 6);
        Assert.Null(first[2].OnObject); // not located
        Assert.Equal([2], clusters[1].Concepts!.Select(c => c.Channel));
        // Another method's group stays as it was.
        var other = group with { Summary = group.Summary with { Method = "lrp" } };
        Assert.Same(other, ClusterConcepts.With(other, image => records.GetValueOrDefault(image)));
    }
}
