using System.Text.Json;
using Microsoft.Extensions.Hosting;
using XaiVision.Contracts;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Strategies;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Cli;

/// <summary>
/// <c>demo --strategies</c>: strategy analysis on the shortcut demo's evaluation set, for the shortcut model and the clean one. Prints,
/// per model, method and class, the clusters found, the adjusted Rand index of the clusters against the planted truth (tagged or
/// not — the file names say which) and which clusters were flagged as off-object.
/// </summary>
public static class StrategyDemo
{
    public sealed record Row(string Model, string Method, string Class, int Images, int Clusters, double Ari, int Flagged, bool TagClusterFlagged);

    public static async Task<(int Code, List<Row> Rows, List<string> Folders)> RunAsync(IHost host, string root, CancellationToken ct)
    {
        var rows = new List<Row>();
        var folders = new List<string>();
        var runs = new Dictionary<string, List<StrategyGroup>>();
        var concepts = new List<(string Model, ConceptReport Concepts, ConceptAtlas Atlas)>();
        int code = ExitCodes.Ok;
        Guid? cleanJob = null;
        ConceptAtlas? againstClean = null;
        // The clean model first: its stored run is the shortcut model's baseline, so the shortcut report says which strategies and
        // concepts are new (the tag's) against it.
        foreach (var (model, shortcut) in new[] { ("clean", false), ("shortcut", true) })
        {
            var jobId = Guid.NewGuid();
            var prefix = $"strategies-{model}-{jobId:N}"[..(20 + model.Length)];
            Console.WriteLine($"{model} model{(shortcut && cleanJob is not null ? ", the clean model's run as its baseline" : "")}:");
            var spec = DemoJob.StrategiesSpec(prefix, shortcut) with { Baseline = shortcut && cleanJob is { } baseline ? new ModelSource { Job = baseline.ToString() } : null };
            int exit = await JobRunner.SubmitAsync(host, jobId, spec, Timeout.InfiniteTimeSpan, ct);
            code = Math.Max(code, exit);
            if (!shortcut && exit == ExitCodes.Ok) cleanJob = jobId;
            var folder = Path.Combine(root, "audits", prefix);
            folders.Add(folder);
            var file = Path.Combine(folder, "strategies.json");
            if (!File.Exists(file)) continue;
            var groups = JsonSerializer.Deserialize<List<StrategyGroup>>(await File.ReadAllTextAsync(file, ct), AuditJson.Options)!;
            rows.AddRange(groups.Select(g => Score(model, g)));
            runs[model] = groups;
            var report = JsonSerializer.Deserialize<JobReport>(await File.ReadAllTextAsync(Path.Combine(folder, "report.json"), ct), AuditJson.Options)!;
            if (report.Concepts is not { } atlas) continue;
            concepts.AddRange(atlas.Classes.Select(c => (model, c, atlas)));
            if (atlas.Changes is not null) againstClean = atlas;
        }
        Print(rows);
        PrintConcepts(concepts);
        if (runs.TryGetValue("clean", out var clean) && runs.TryGetValue("shortcut", out var shortcutGroups))
            PrintChanges(StrategyComparison.Compare(clean, shortcutGroups));
        if (againstClean is not null) PrintConceptChanges(againstClean.Changes!, againstClean);
        foreach (var folder in folders) Console.WriteLine($"report: {Path.Combine(folder, "report.html")}");
        return (code, rows, folders);
    }

    /// <summary>ARI of the clusters against tagged/clean; whether the cluster holding most tagged pictures is flagged.</summary>
    public static Row Score(string model, StrategyGroup group)
    {
        var truth = group.Points.Select(p => IsTagged(p.Image)).ToList();
        var clusters = group.Points.Select(p => p.Cluster).ToList();
        var tagCluster = group.Points.Where(p => IsTagged(p.Image)).GroupBy(p => p.Cluster).MaxBy(g => g.Count())?.Key;
        var summary = group.Summary;
        return new Row(model, summary.Method, summary.Class, summary.Analysed, summary.Clusters.Count, AdjustedRandIndex.Of(truth, clusters),
            summary.Clusters.Count(c => c.Flagged), tagCluster is { } t && summary.Clusters.Any(c => c.Id == t && c.Flagged));
    }

    static bool IsTagged(string image) => image.EndsWith("_tag", StringComparison.Ordinal) || image.Contains("_tag.", StringComparison.Ordinal);

    /// <summary>The clean model's strategies → the shortcut model's: which were kept, which are new (the tag), which vanished.</summary>
    static void PrintChanges(IReadOnlyList<StrategyComparison.Change> changes)
    {
        Console.WriteLine();
        Console.WriteLine("clean → shortcut model, strategies matched by mean map (cosine ≥ 0.8):");
        Console.WriteLine($"{"method",-21} {"class",-9} {"kept (cosine)",-16} {"new",-34} {"vanished",-9} flagged share");
        foreach (var c in changes)
        {
            var kept = c.Matched.Count == 0 ? "–" : string.Join(" ", c.Matched.Select(p => $"{p.Baseline}→{p.Candidate} ({p.Similarity:F2})"));
            var added = c.New.Count == 0 ? "–" : string.Join(" ", c.New.Select(n => $"#{n.Id} {n.Share:P0}{(n.Flagged ? " FLAGGED" : "")}"));
            var gone = c.Vanished.Count == 0 ? "–" : string.Join(" ", c.Vanished.Select(v => $"#{v.Id}"));
            Console.WriteLine($"{c.Method,-21} {c.Class,-9} {kept,-16} {added,-34} {gone,-9} {c.BaselineFlaggedShare:P0} → {c.CandidateFlaggedShare:P0}");
        }
    }

    /// <summary>
    /// Per model and class, its three most relevant concepts: channel, share, share of its relevance on the object (OFF below one half),
    /// and how many of its reference images carry the tag (the file names say which).
    /// </summary>
    static void PrintConcepts(List<(string Model, ConceptReport Concepts, ConceptAtlas Atlas)> concepts)
    {
        if (concepts.Count == 0) return;
        Console.WriteLine();
        Console.WriteLine($"concepts (CRP at {concepts[0].Concepts.Layer}): each class's three most relevant channels — "
            + "share, relevance on the object, reference images tagged");
        foreach (var (model, group, atlas) in concepts)
            Console.WriteLine($"{model,-9} {group.Class,-9} " + string.Join("   ", group.Top.Take(3).Select(c =>
                $"#{c.Channel,-3} {c.MeanShare,4:P0} on {(c.OnObject is { } o ? $"{o,4:P0}" : "   –")}{(c.OffObject ? " OFF" : "    ")} "
                + $"tag {atlas.ReferencesOf(group.Method, c.Channel).Count(r => IsTagged(r.Image))}/{atlas.ReferencesOf(group.Method, c.Channel).Count}")));
    }

    /// <summary>The clean model's concepts → the shortcut model's, matched by behaviour on the same images: the new ones and their tags.</summary>
    static void PrintConceptChanges(IReadOnlyList<ConceptChange> changes, ConceptAtlas shortcut)
    {
        Console.WriteLine();
        foreach (var change in changes)
        {
            Console.WriteLine($"clean → shortcut model, {change.Method} concepts matched by behaviour on {change.ProbeImages} probe images "
                + $"(coverage ≥ {ConceptComparison.Threshold:F1}): {change.Matched.Count} matched, {change.New.Count} new, {change.Vanished.Count} vanished");
            foreach (var c in change.New)
            {
                var references = shortcut.ReferencesOf(change.Method, c.Channel);
                Console.WriteLine($"  new      #{c.Channel,-3} {string.Join(",", c.Classes),-28} share {c.MeanShare,4:P0} on {(c.OnObject is { } o ? $"{o,4:P0}" : "   –")}"
                    + $"{(c.OnObject < 0.5 ? " OFF" : "    ")} best cover {ConceptComparison.Format(c.BestCoverage)}  references tagged {references.Count(r => IsTagged(r.Image))}/{references.Count}");
            }
            foreach (var c in change.Vanished)
                Console.WriteLine($"  vanished #{c.Channel,-3} {string.Join(",", c.Classes),-28} share {c.MeanShare,4:P0} on {(c.OnObject is { } o ? $"{o,4:P0}" : "   –")}"
                    + $"{(c.OnObject < 0.5 ? " OFF" : "    ")} best cover {ConceptComparison.Format(c.BestCoverage)}");
            if (change.Uncompared.Count + change.UncomparedBaseline > 0)
                Console.WriteLine($"  not compared (located on fewer than {ConceptComparison.MinProbeImages} probe images): "
                    + $"{string.Join(" ", change.Uncompared.Select(c => $"#{c.Channel}"))}{(change.UncomparedBaseline > 0 ? $" and {change.UncomparedBaseline} of the clean model's" : "")}");
        }
    }

    static void Print(List<Row> rows)
    {
        Console.WriteLine();
        Console.WriteLine($"{"model",-9} {"method",-21} {"class",-9} {"images",6} {"clusters",8} {"ARI vs tag",10} {"flagged",7}  tag cluster flagged");
        foreach (var r in rows)
            Console.WriteLine($"{r.Model,-9} {r.Method,-21} {r.Class,-9} {r.Images,6} {r.Clusters,8} {r.Ari,10:F3} {r.Flagged,7}  {(r.Model == "shortcut" ? r.TagClusterFlagged ? "yes" : "no" : "")}");
    }
}
