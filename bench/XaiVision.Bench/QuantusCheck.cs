using System.Text.Json;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;
using static TorchSharp.torch;

namespace XaiVision.Bench;

/// <summary>
/// <c>--quantus-check DIR</c>: every metric the reference run measured with Quantus itself (tools/quantus_reference.py writes DIR;
/// the tests' copy is tests/fixtures/quantus) against ours on the same maps, masks, networks and draws: a row per metric with the
/// values compared, the largest |Δ| and the first pair. Top-k-intersection's cases with a tie at the cut are left out (Quantus's
/// answer there is numpy's unstable sort order), as in the tests.
/// </summary>
public static class QuantusCheck
{
    public static int Run(string directory)
    {
        Console.WriteLine("| metric | category | values | ours (first) | Quantus (first) | largest difference (relative above 1) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        using (var mapOnly = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "map_only.json"))))
        {
            int side = mapOnly.RootElement.GetProperty("side").GetInt32();
            var cases = mapOnly.RootElement.GetProperty("cases").EnumerateArray().ToList();
            foreach (var metric in cases[0].GetProperty("values").EnumerateObject().Select(p => p.Name))
            {
                var created = MetricCatalog.Create(MethodSpec.Parse(metric));
                var pairs = new List<(double Ours, double Quantus)>();
                foreach (var c in cases)
                {
                    var map = c.GetProperty("map").EnumerateArray().Select(v => v.GetSingle()).ToArray();
                    if (created is TopKIntersection && TiedAtCut(map, MethodSpec.Parse(metric).Int("k", 1000, 1, int.MaxValue))) continue;
                    if (c.GetProperty("values").GetProperty(metric).ValueKind == JsonValueKind.Null) continue;
                    using var scope = NewDisposeScope();
                    var mask = c.GetProperty("mask").GetString()!.Select(ch => ch == '1').ToArray();
                    var result = created.Evaluate(new MetricContext(null!, null!, empty(0), empty(0), tensor(map).view(1, side, side), [mask], 0))[0];
                    pairs.Add((result.Values.Values.Single(), c.GetProperty("values").GetProperty(metric).GetDouble()));
                }
                Row(metric, created, pairs);
            }
        }
        using var withModel = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "with_model.json")));
        var root = withModel.RootElement;
        int size = root.GetProperty("side").GetInt32();
        var images = Floats(root.GetProperty("images"));
        long n = images.Length / (3 * size * size);
        Section(directory, "tinycnn.pt", size, images, Longs(root.GetProperty("targets")), Floats(root.GetProperty("maps")), root.GetProperty("values"), null);
        Section(directory, "roadnet.pt", size, images, Longs(root.GetProperty("road").GetProperty("targets")), Floats(root.GetProperty("maps")),
            root.GetProperty("road").GetProperty("values"), null);
        var robustness = root.GetProperty("robustness");
        Section(directory, "tinycnn.pt", size, images, Longs(root.GetProperty("targets")), null, robustness.GetProperty("values"),
            robustness.GetProperty("explainer").GetString());
        return 0;
    }

    /// <summary>The metrics of one network: on the given maps, or on the explainer's maps (which the robustness metrics explain again).</summary>
    static void Section(string directory, string network, int side, float[] images, long[] targets, float[]? maps, JsonElement values, string? explainerName)
    {
        using var scope = NewDisposeScope();
        using var model = ModelLoader.Load(new ModelSpec("", Path.Combine(directory, network), Preprocessing: Preprocessing.ImageNet(side, side),
            AllowTorchScript: true), CPU);
        long n = targets.Length;
        var x = tensor(images).view(n, 3, side, side);
        var y = tensor(targets);
        var explainer = explainerName is null ? null : ExplainerCatalog.Create(explainerName);
        var m = maps is null ? explainer!.Explain(model, x, y, 0) : tensor(maps).view(n, side, side);
        foreach (var metric in values.EnumerateObject())
        {
            var created = MetricCatalog.Create(MethodSpec.Parse(metric.Name));
            var results = created.Evaluate(new MetricContext(model, explainer!, x, y, m, [], 0));
            var expected = metric.Value.EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Row(metric.Name, created, results.Select((r, i) => (r.Values.Values.Single(), expected[i])).ToList());
        }
    }

    static void Row(string metric, IMetric created, List<(double Ours, double Quantus)> pairs) =>
        Console.WriteLine($"| {metric} | {created.Category.ToString().ToLowerInvariant()} | {pairs.Count} | {pairs[0].Ours:G6} | {pairs[0].Quantus:G6} | " +
            $"{pairs.Max(p => Math.Abs(p.Ours - p.Quantus) / Math.Max(1, Math.Abs(p.Quantus))):G2} |");

    static bool TiedAtCut(float[] map, int k)
    {
        var sorted = map.OrderDescending().ToArray();
        return k < sorted.Length && sorted[k - 1] == sorted[k];
    }

    static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => v.GetSingle()).ToArray();
    static long[] Longs(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt64()).ToArray();
}
