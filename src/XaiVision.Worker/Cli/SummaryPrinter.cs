namespace XaiVision.Worker.Cli;

/// <summary>Prints predictions (with accuracy where labels are known), timings and where the files went.</summary>
public static class SummaryPrinter
{
    public static void Print(ExplainSummary summary, IReadOnlyDictionary<string, int> labels, string outputDirectory)
    {
        int known = 0, correct = 0;
        foreach (var image in summary.Images)
        {
            if (image.Error is not null)
            {
                Console.WriteLine($"  {image.Name,-24} FAILED: {image.Error}");
                continue;
            }
            var p = image.Prediction!;
            var mark = "";
            if (labels.TryGetValue(image.Name, out var label))
            {
                known++;
                bool ok = label == p.Index;
                if (ok) correct++;
                mark = ok ? "  ✓" : $"  ✗ (label {label})";
            }
            // Several explained classes (top-k, a multi-label image's positive labels) or none (no positive label) are listed.
            var explained = image.Explanations.Select(e => e.Target).DistinctBy(t => t.Index).ToList();
            var targets = explained.Count == 1 ? "" : explained.Count == 0 ? "; no positive label: nothing explained"
                : "; explained " + string.Join(", ", explained.Select(t => $"{t.Name} ({t.Probability:P1})"));
            Console.WriteLine($"  {image.Name,-24} → {p.Name} ({p.Probability:P1}){mark}{targets}");
        }
        if (known > 0) Console.WriteLine($"accuracy on labelled images: {correct}/{known} = {(double)correct / known:P1}");
        Console.WriteLine("ms per image: " + string.Join(", ", summary.MillisecondsPerImageByMethod.Select(kv => $"{kv.Key} {kv.Value:F1}"))
            + (summary.MillisecondsPerImageByStage?.ContainsKey(Engine.Suites.StageTimes.SharedPass) == true
                ? " (methods that share one forward and backward show an even share of it)" : ""));
        PrintTable("metrics (means)", summary.MetricMeansByMethod);
        PrintTable("robustness (means over images)", summary.RobustnessByMethod);
        if (summary.MillisecondsPerImageByStage is { Count: > 0 } stages)
            Console.WriteLine("ms per image by stage: " + string.Join(", ", stages.Select(kv => $"{kv.Key} {kv.Value:F1}")));
        if (summary.Failed > 0) Console.WriteLine($"{summary.Failed} image(s) failed; see summary.json.");
        Console.WriteLine($"wrote {Path.GetFullPath(Path.Combine(outputDirectory, "summary.json"))}, report.html and per-image maps in {summary.TotalSeconds:F1} s");
    }

    public static void PrintTable(string title, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> rows)
    {
        if (rows.Count == 0) return;
        var columns = rows.Values.SelectMany(m => m.Keys).Distinct().ToList();
        Console.WriteLine($"{title}:");
        Console.WriteLine("| | " + string.Join(" | ", columns) + " |");
        Console.WriteLine("|---|" + string.Concat(columns.Select(_ => "---|")));
        foreach (var (row, values) in rows)
            Console.WriteLine($"| {row} | " + string.Join(" | ", columns.Select(c => values.TryGetValue(c, out var v) ? v.ToString("F3") : "–")) + " |");
    }
}
