using System.Diagnostics;
using System.Text.Json;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Strategies;
using XaiVision.Engine.Suites;

namespace XaiVision.ScaleRun;

/// <summary>
/// Strategy analysis at scale (issue 17): the report's fold over N synthetic records (2 methods, C classes, 32×32 thumbnails with two
/// planted strategies and a mask) and the SpRAy analysis after it, each size in its own process for its peak RSS. Prints a table.
/// Usage: ScaleRun strategies [--sizes 1000,10000] [--classes 10,1]
/// </summary>
public static class StrategyBench
{
    public static int Run(string sizes, string classes)
    {
        Console.WriteLine("| images | classes | groups | maps clustered | fold (s) | analysis (s) | peak RSS (MiB) | strategies.json (MB) | clusters found | ARI vs planted (min) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var c in classes.Split(',').Select(int.Parse))
            foreach (var n in sizes.Split(',').Select(int.Parse))
            {
                var child = Process.Start(new ProcessStartInfo("dotnet", [typeof(StrategyBench).Assembly.Location, "strategies-one", "--images", n.ToString(), "--classes", c.ToString()])
                    { RedirectStandardOutput = true })!;
                var output = child.StandardOutput.ReadToEnd();
                child.WaitForExit();
                var r = JsonSerializer.Deserialize<Dictionary<string, double>>(output.Split('\n').Last(l => l.StartsWith('{')))!;
                Console.WriteLine($"| {n:N0} | {c} | {r["groups"]} | {r["maps"]:N0} | {r["fold_s"]:F2} | {r["analysis_s"]:F2} | {r["peak_mib"]:F0} | {r["json_mb"]:F1} "
                    + $"| {r["clusters"]:F0} | {r["ari_min"]:F3} |");
            }
        return 0;
    }

    public static int RunOne(int images, int classes)
    {
        ScaleRun.ResetPeak();
        var clock = Stopwatch.StartNew();
        var collector = new StrategyCollector(new StrategyOptions(), seed: 1); // the report fold's strategy part
        foreach (var record in Records(images, classes)) collector.Add(record);
        double fold = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var groups = collector.Analyse();
        double analysis = clock.Elapsed.TotalSeconds;
        var json = groups.Sum(g => JsonSerializer.SerializeToUtf8Bytes(g, AuditJson.Options).Length);
        var ari = groups.Select(g => AdjustedRandIndex.Of(g.Points.Select(p => p.Image.EndsWith("_tag", StringComparison.Ordinal)).ToList(),
            g.Points.Select(p => p.Cluster).ToList())).DefaultIfEmpty(double.NaN).Min();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double>
        {
            ["groups"] = groups.Count, ["maps"] = groups.Sum(g => g.Summary.Analysed), ["fold_s"] = fold, ["analysis_s"] = analysis,
            ["peak_mib"] = ScaleRun.PeakMiB(), ["json_mb"] = json / 1e6, ["clusters"] = groups.Sum(g => g.Summary.Clusters.Count), ["ari_min"] = ari,
        }));
        return 0;
    }

    /// <summary>Records as a shard writes them: a third of each class looks at a top-left tag, the rest at an object that moves about.</summary>
    static IEnumerable<ImageRecord> Records(int images, int classes)
    {
        const int size = MapThumbnail.DefaultSize;
        var random = new Random(1);
        for (int i = 0; i < images; i++)
        {
            var target = new ClassScore(i % classes, $"class{i % classes}", 1, 0.9f);
            bool tag = random.NextDouble() < 1.0 / 3;
            double x = 0.3 + 0.4 * random.NextDouble(), y = 0.3 + 0.4 * random.NextDouble();
            var coverage = new float[size * size];
            var explanations = new[] { "lrp-composite", "integrated-gradients" }.Select(m =>
            {
                var map = new float[size * size];
                for (int cy = 0; cy < size; cy++)
                    for (int cx = 0; cx < size; cx++)
                    {
                        double dx = (cx + 0.5) / size - (tag ? 0.05 : x), dy = (cy + 0.5) / size - (tag ? 0.05 : y), r = tag ? 0.04 : 0.12;
                        map[cy * size + cx] = (float)(Math.Exp(-(dx * dx + dy * dy) / (2 * r * r)) + 0.15 * random.NextDouble());
                        double ox = (cx + 0.5) / size - x, oy = (cy + 0.5) / size - y;
                        coverage[cy * size + cx] = ox * ox + oy * oy < 0.015 ? 1 : 0;
                    }
                return new ExplanationRecord(m, new Dictionary<string, string>(), target, $"images/{i:D6}/{m}.png", null, "min-max", 0, 1, 1, 0,
                    Thumbnail: MapThumbnail.Encode(MapThumbnail.Downsample(map, size, size, size)));
            }).ToList();
            var name = $"images/{i:D6}{(tag ? "_tag" : "")}";
            // The record goes through JSON as a shard result does.
            var record = new ImageRecord(name + ".png", name, 224, 224, target, [target], explanations, null, MaskThumbnail: MapThumbnail.EncodeCoverage(coverage));
            yield return JsonSerializer.Deserialize<ImageRecord>(JsonSerializer.SerializeToUtf8Bytes(record, AuditJson.Options), AuditJson.Options)!;
        }
    }
}
