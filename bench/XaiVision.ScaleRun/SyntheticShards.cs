using XaiVision.Contracts;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Suites;
using XaiVision.Worker.Jobs;

namespace XaiVision.ScaleRun;

/// <summary>
/// Shard results shaped like a real job's (grad-cam + lrp-composite, deletion and localisation with the deletion curve, heatmap,
/// overlay and input paths, top-5, a tenth of the images failed with a decode error), seeded so every run writes the same bytes.
/// </summary>
public static class SyntheticShards
{
    static readonly string[] Classes = ["circle", "square", "star", "triangle", "cross", "ring", "bar", "dot", "wave", "grid"];

    public static AuditJobSpec Spec(string container, long images) => new()
    {
        Model = new ModelSource { Architecture = "demo-shapes" },
        Images = new ImageSource { Container = container, Manifest = "manifest.csv" },
        Suite = new SuiteDefinition { Explainers = ["grad-cam", "lrp-composite"], Metrics = ["deletion(steps=8)", "localisation"], Seed = 1 },
        Output = new OutputTarget { Container = container, Prefix = "report", Overlays = true },
        Gates = [],
        ShardSize = 32,
    };

    public static List<ImageRecord> Shard(int shard, int size, long images, double errorRate)
    {
        var random = new Random(shard);
        var records = new List<ImageRecord>(size);
        for (int i = 0; i < size && (long)shard * size + i < images; i++)
        {
            var id = $"img{(long)shard * size + i:D7}";
            if (random.NextDouble() < errorRate)
            {
                records.Add(ImageRecord.Failure($"photos/{id}.png", $"images/{id}", $"Image 'photos/{id}.png' could not be decoded: not a PNG, JPEG, BMP, WebP or GIF."));
                continue;
            }
            var top = Enumerable.Range(0, 5).Select(k => new ClassScore((shard + i + k) % Classes.Length, Classes[(shard + i + k) % Classes.Length], 5 - k,
                (float)(0.6 / (k + 1)))).ToList();
            var explanations = new[] { "grad-cam", "lrp-composite" }.Select(m => new ExplanationRecord(m, new Dictionary<string, string> { ["layer"] = "features.8" },
                top[0], $"images/{id}/{m}.overlay.png", null, "min-max", 0, 1, (float)random.NextDouble(), 0,
                new Dictionary<string, double> { ["deletion"] = random.NextDouble(), ["localisation"] = random.NextDouble() }, null, null,
                new Dictionary<string, MetricCurve> { ["deletion"] = new(Enumerable.Range(0, 9).Select(k => Math.Exp(-k * random.NextDouble())).ToList()) },
                new HeatmapFile($"images/{id}/{m}.map.png", 0, 1, m.StartsWith("lrp", StringComparison.Ordinal)))).ToList();
            records.Add(new ImageRecord($"photos/{id}.png", $"images/{id}", 224, 224, top[0], top, explanations, null, $"images/{id}/input.png",
                $"images/{id}/figure.png"));
        }
        return records;
    }

    public static string Manifest(long images)
    {
        var text = new System.Text.StringBuilder("path\n");
        for (long i = 0; i < images; i++) text.Append("photos/img").Append(i.ToString("D7")).Append(".png\n");
        return text.ToString();
    }

    public static int Shards(long images, int size) => (int)((images + size - 1) / size);

    public static string ShardName(AuditJobSpec spec, int shard) => JobLayout.Shard(spec.Location(), shard);
}
