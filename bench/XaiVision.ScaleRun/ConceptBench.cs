using System.Diagnostics;
using System.Text.Json;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Suites;

namespace XaiVision.ScaleRun;

/// <summary>
/// The concept atlas at scale (issue 33): the whole report fold over N synthetic records of a plain LRP audit (one lrp map per image)
/// and of a concept audit (the same plus a crp map with its 8 channels, 3 located, of a 512-channel layer), each in its own process
/// for its peak RSS. Prints a table. Usage: ScaleRun concepts [--sizes 10000,100000] [--classes 1000]
/// </summary>
public static class ConceptBench
{
    public static int Run(string sizes, int classes)
    {
        Console.WriteLine("| images | classes | audit | fold (s) | peak RSS (MiB) | report.json concepts (kB) | concept rows |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var n in sizes.Split(',').Select(int.Parse))
            foreach (var concepts in new[] { false, true })
            {
                var child = Process.Start(new ProcessStartInfo("dotnet", [typeof(ConceptBench).Assembly.Location, "concepts-one", "--images", n.ToString(),
                    "--classes", classes.ToString(), "--concepts", concepts ? "1" : "0"]) { RedirectStandardOutput = true })!;
                var output = child.StandardOutput.ReadToEnd();
                child.WaitForExit();
                var r = JsonSerializer.Deserialize<Dictionary<string, double>>(output.Split('\n').Last(l => l.StartsWith('{')))!;
                Console.WriteLine($"| {n:N0} | {classes} | {(concepts ? "LRP + CRP concepts" : "LRP")} | {r["fold_s"]:F2} | {r["peak_mib"]:F0} | {r["json_kb"]:F1} | {r["rows"]:F0} |");
            }
        return 0;
    }

    public static int RunOne(int images, int classes, bool concepts)
    {
        ScaleRun.ResetPeak();
        var clock = Stopwatch.StartNew();
        var model = AuditOutputs.ModelOf(new ReportRequest("vgg16", "predicted", 1, [], []), Records(images, classes, concepts));
        double fold = clock.Elapsed.TotalSeconds;
        var json = model.Report.Concepts is { } c ? JsonSerializer.SerializeToUtf8Bytes(c, AuditJson.Options).Length : 0;
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double>
        {
            ["fold_s"] = fold, ["peak_mib"] = ScaleRun.PeakMiB(), ["json_kb"] = json / 1e3, ["rows"] = model.Report.Concepts?.Classes.Sum(g => g.Top.Count) ?? 0,
        }));
        return 0;
    }

    /// <summary>Records as a shard writes them (through JSON); each class prefers a few of the 512 channels.</summary>
    static IEnumerable<ImageRecord> Records(int images, int classes, bool concepts)
    {
        var random = new Random(1);
        for (int i = 0; i < images; i++)
        {
            var target = new ClassScore(i % classes, $"class{i % classes}", 1, 0.9f);
            var explanations = new List<ExplanationRecord>
            {
                new("lrp-composite", new Dictionary<string, string>(), target, $"images/{i:D6}/lrp-composite.png", null, "symmetric", -1, 1, 1, 0),
            };
            if (concepts)
            {
                var channels = Enumerable.Range(0, 8).Select(j => (i % classes * 7 + random.Next(j < 3 ? 6 : 512)) % 512).Distinct().ToList();
                var top = channels.Select((c, j) => new ChannelShare(c, 0.3f / (j + 1),
                    j < ConceptShares.Located ? new ConceptBox(random.Next(140), random.Next(140), 84) : null, j < ConceptShares.Located ? (float)random.NextDouble() : null)).ToList();
                explanations.Add(new("crp", new Dictionary<string, string>(), target, $"images/{i:D6}/crp.png", null, "symmetric", -1, 1, 1, 0,
                    Concepts: new ConceptShares("features.29", top)));
            }
            var name = $"images/{i:D6}";
            var record = new ImageRecord(name + ".png", name, 224, 224, target, [target], explanations, null, Input: $"{name}/input.png");
            yield return JsonSerializer.Deserialize<ImageRecord>(JsonSerializer.SerializeToUtf8Bytes(record, AuditJson.Options), AuditJson.Options)!;
        }
    }
}
