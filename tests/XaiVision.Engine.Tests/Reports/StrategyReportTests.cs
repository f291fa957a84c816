using System.Text.Json;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Strategies;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Strategies;

namespace XaiVision.Engine.Tests.Reports;

/// <summary>Strategy analysis in the report's fold: what it keeps, when it runs, and what report.json, strategies.json and the page say.</summary>
public sealed class StrategyReportTests
{
    const int Size = 16;

    /// <summary>
    /// n records of one class: every third carries a top-left "tag" strategy, the rest look at a centred object (mask = centre square);
    /// the tagged ones are named "…_tag".
    /// </summary>
    static List<ImageRecord> Records(int n, string className = "circle", bool thumbnails = true, int seed = 1)
    {
        var random = new Random(seed);
        var coverage = Enumerable.Range(0, Size * Size).Select(i => i / Size is >= 5 and < 11 && i % Size is >= 5 and < 11 ? 1f : 0f).ToArray();
        var target = new ClassScore(0, className, 1, 0.9f);
        return Enumerable.Range(0, n).Select(i =>
        {
            bool tag = i % 3 == 0;
            var map = tag ? PlantedMaps.Blob(random, Size, 0.05, 0.05, 0.04) : PlantedMaps.Blob(random, Size, 0.5, 0.5, 0.12);
            var name = $"images/{className}_{i:D5}{(tag ? "_tag" : "")}";
            var e = new ExplanationRecord("lrp-composite", new Dictionary<string, string>(), target, $"{name}/lrp-composite.png", null, "min-max", 0, 1, 1, 0,
                Thumbnail: thumbnails ? MapThumbnail.Encode(MapThumbnail.Downsample(map, Size, Size, Size)) : null);
            return new ImageRecord(name + ".png", name, 64, 64, target, [target], [e], null, MaskThumbnail: MapThumbnail.EncodeCoverage(coverage));
        }).ToList();
    }

    static ReportRequest Request(StrategyOptions? options) => new("demo", "label", 3, [], Array.Empty<IMetric>(), options);

    [Fact]
    public void A_planted_tag_strategy_is_found_flagged_and_published()
    {
        var records = Records(60);
        var outputs = AuditOutputs.Build(Request(new StrategyOptions(Size)), records);
        var group = Assert.Single(outputs.Report.Strategies!.Groups);
        Assert.Equal(("lrp-composite", "circle", 60, 60), (group.Method, group.Class, group.Images, group.Analysed));
        Assert.Equal(2, group.Clusters.Count);
        var tag = group.Clusters.Single(c => c.Flagged);
        Assert.Equal(20, tag.Size);
        Assert.Contains("outside the object", tag.Reason);
        Assert.True(tag.Layout.Corners["top-left"] > 5 * group.Clusters.Single(c => c.Id != tag.Id).Layout.Corners["top-left"]);
        Assert.All(tag.Examples, e => Assert.EndsWith("_tag", e));
        Assert.False(group.Clusters.Single(c => c.Id != tag.Id).Flagged);

        var stored = JsonSerializer.Deserialize<List<StrategyGroup>>(outputs.Files["strategies.json"], AuditJson.Options)!;
        var points = Assert.Single(stored).Points;
        Assert.Equal(1.0, AdjustedRandIndex.Of(points.Select(p => p.Image.EndsWith("_tag")).ToList(), points.Select(p => p.Cluster).ToList()));
        Assert.Equal(Size * Size, stored[0].MeanMaps[tag.Id - 1].Length);

        var html = outputs.Html;
        Assert.Contains("id=\"strategies\"", html);
        Assert.Contains("class=\"eigengap\"", html);
        Assert.Contains("browser.html#image=images%2Fcircle_00000_tag", html);
        Assert.Contains("data:image/png;base64,", html);
        Assert.Contains("images/circle_00000_tag/lrp-composite.png", html); // a typical image's overlay
    }

    [Fact]
    public void Classes_below_the_minimum_and_records_without_thumbnails_are_not_analysed()
    {
        var few = Records(19, "square").Concat(Records(20, "star")).ToList();
        var groups = AuditOutputs.Build(Request(new StrategyOptions(Size)), few).Report.Strategies!.Groups;
        Assert.Equal(["star"], groups.Select(g => g.Class));

        var off = AuditOutputs.Build(Request(null), Records(30));
        Assert.Null(off.Report.Strategies);
        Assert.False(off.Files.ContainsKey("strategies.json"));
        Assert.DoesNotContain("id=\"strategies\"", off.Html);
        Assert.Null(AuditOutputs.Build(Request(new StrategyOptions(Size)), Records(30, thumbnails: false)).Report.Strategies);
    }

    [Fact]
    public void Samples_are_bounded_per_group_and_by_the_memory_budget()
    {
        var capped = new StrategyCollector(new StrategyOptions(Size, MaxMaps: 50), 1);
        Records(400).ForEach(capped.Add);
        var group = Assert.Single(capped.Analyse()).Summary;
        Assert.Equal((400, 50), (group.Images, group.Analysed));
        // The sample is uniform: about a third of it tagged.
        Assert.InRange(group.Clusters.Single(c => c.Flagged).Size, 8, 28);

        var options = new StrategyOptions(Size, MaxMaps: 200) { MemoryBytes = 300 * new StrategyOptions(Size).BytesPerMap };
        var budgeted = new StrategyCollector(options, 1);
        foreach (var c in new[] { "a", "b", "c", "d" }) Records(200, c).ForEach(budgeted.Add);
        var groups = budgeted.Analyse();
        Assert.Equal(4, groups.Count);
        Assert.True(groups.Sum(g => g.Summary.Analysed) * options.BytesPerMap <= options.MemoryBytes, string.Join(", ", groups.Select(g => g.Summary.Analysed)));
        Assert.All(groups, g => Assert.Equal(budgeted.Capacity, g.Summary.Analysed));
        Assert.All(groups, g => Assert.Equal(200, g.Summary.Images));
    }

    [Fact]
    public void Against_a_stored_run_the_new_tag_strategy_is_called_out()
    {
        // The stored run saw only the object (a fresh set of records whose tag maps are replaced by object maps).
        var random = new Random(9);
        var before = Records(60).Select(r => r with
        {
            Explanations = r.Explanations.Select(e => e with
            {
                Thumbnail = MapThumbnail.Encode(MapThumbnail.Downsample(PlantedMaps.Blob(random, Size, 0.5, 0.5, 0.12), Size, Size, Size)),
            }).ToList(),
        }).ToList();
        var stored = JsonSerializer.Deserialize<List<StrategyGroup>>(AuditOutputs.Build(Request(new StrategyOptions(Size)), before).Files["strategies.json"], AuditJson.Options)!;
        var now = AuditOutputs.Build(Request(new StrategyOptions(Size)), Records(60), baselineStrategies: stored);
        var change = Assert.Single(now.Report.Strategies!.Changes!);
        Assert.Single(change.Matched);
        Assert.True(Assert.Single(change.New).Flagged);
        Assert.Equal(0, change.BaselineFlaggedShare);
        Assert.Contains("id=\"strategy-changes-table\"", now.Html);
        Assert.Contains("flagged</span>", now.Html);
    }

    [Fact]
    public void The_same_records_give_the_same_bytes()
    {
        var a = AuditOutputs.Build(Request(new StrategyOptions(Size, MaxMaps: 40)), Records(90));
        var b = AuditOutputs.Build(Request(new StrategyOptions(Size, MaxMaps: 40)), Records(90));
        Assert.Equal(a.Files["strategies.json"], b.Files["strategies.json"]);
        Assert.Equal(a.Html, b.Html);
    }
}
