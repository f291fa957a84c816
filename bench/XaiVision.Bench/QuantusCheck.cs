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
        Section(directory, root.GetProperty("representation").GetProperty("model").GetString()!, size, images, Longs(root.GetProperty("targets")), null,
            root.GetProperty("representation").GetProperty("values"), "saliency");
        var batch = root.GetProperty("batch");
        var (batchImages, batchTargets) = (Floats(batch.GetProperty("images")), Longs(batch.GetProperty("targets")));
        Section(directory, "roadnet.pt", size, batchImages, batchTargets, Floats(batch.GetProperty("maps")), batch.GetProperty("values"), "saliency");
        Focus(directory, size, batchImages, batchTargets, batch.GetProperty("focus"));
        Invariance(size, images, root.GetProperty("invariance"));
        Segments(root.GetProperty("slic"));
        return 0;
    }

    static ExplainableModel Network(string directory, string network, int side) => ModelLoader.Load(new ModelSpec("", Path.Combine(directory, network),
        Preprocessing: Preprocessing.ImageNet(side, side), AllowTorchScript: true), CPU);

    /// <summary>The metrics of one network: on the given maps, or on the explainer's maps (which the robustness metrics explain again).</summary>
    static void Section(string directory, string network, int side, float[] images, long[] targets, float[]? maps, JsonElement values, string? explainerName)
    {
        using var model = Network(directory, network, side);
        Section(model, side, images, targets, maps, values, explainerName);
    }

    static void Section(ExplainableModel model, int side, float[] images, long[] targets, float[]? maps, JsonElement values, string? explainerName,
        string? label = null)
    {
        using var scope = NewDisposeScope();
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
            Row(label ?? metric.Name, created, results.Select((r, i) => (r.Values.Values.Single(), expected[i])).ToList());
        }
    }

    /// <summary>Focus on the batch's mosaics (Quantus scored the same mosaics): the images that got a mosaic on both sides.</summary>
    static void Focus(string directory, int side, float[] images, long[] targets, JsonElement expected)
    {
        using var model = Network(directory, "roadnet.pt", side);
        using var scope = NewDisposeScope();
        var metric = new Focus();
        var x = tensor(images).view(targets.Length, 3, side, side);
        var results = metric.Evaluate(new MetricContext(model, ExplainerCatalog.Create("saliency"), x, tensor(targets), zeros(targets.Length, side, side), [], 0));
        var quantus = expected.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (double?)null : v.GetDouble()).ToArray();
        Row("focus", metric, results.Select((r, i) => (r.Values.TryGetValue("focus", out var v) ? v : (double?)null, quantus[i]))
            .Where(p => p.Item1 is not null && p.Item2 is not null).Select(p => (p.Item1!.Value, p.Item2!.Value)).ToList());
    }

    /// <summary>Input invariance on the reference's two Sequentials (built here from their weights), by saliency and input × gradient.</summary>
    static void Invariance(int side, float[] images, JsonElement invariance)
    {
        foreach (var value in invariance.GetProperty("values").EnumerateObject())
        {
            var (netName, explainer) = (value.Name.Split('/')[0], value.Name.Split('/')[1]);
            var net = invariance.GetProperty("nets").GetProperty(netName);
            int inner = netName == "padded" ? side : side - 2;
            var sequential = nn.Sequential(("0", nn.Conv2d(3, 4, 3, padding: netName == "padded" ? 1 : 0)), ("1", nn.ReLU()), ("2", nn.Flatten()),
                ("3", nn.Linear(4 * inner * inner, 4)));
            using (no_grad())
                foreach (var p in net.GetProperty("state").EnumerateObject())
                    sequential.state_dict()[p.Name].copy_(tensor(Floats(p.Value)).view(sequential.state_dict()[p.Name].shape));
            sequential.eval();
            using var model = new ExplainableModel(sequential, new Architecture("invariance-net", "reference", _ => throw new InvalidOperationException(), "1", side, 4),
                Preprocessing.ImageNet(side, side), null, CPU, "invariance-net");
            var json = JsonDocument.Parse($"{{\"input-invariance\": {value.Value.GetRawText()}}}").RootElement;
            Section(model, side, images, Longs(net.GetProperty("targets")), null, json, explainer, $"input-invariance ({netName} net, {explainer})");
        }
    }

    /// <summary>SLIC's segments against scikit-image's, label for label: a row per image, the pixels labelled otherwise as the difference.</summary>
    static void Segments(JsonElement cases)
    {
        foreach (var c in cases.EnumerateArray())
        {
            int h = c.GetProperty("height").GetInt32(), w = c.GetProperty("width").GetInt32();
            var (labels, count) = Slic.Segment(Floats(c.GetProperty("image")), h, w, c.GetProperty("segments").GetInt32(), c.GetProperty("compactness").GetDouble());
            var expected = c.GetProperty("labels").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            Console.WriteLine($"| SLIC {h}×{w}, {c.GetProperty("segments").GetInt32()} segments, compactness {c.GetProperty("compactness").GetDouble()} | irof's segmenter | " +
                $"{labels.Length} pixels | {count} segments | {expected.Max() + 1} segments | {labels.Where((l, i) => l != expected[i]).Count()} pixels differ |");
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
