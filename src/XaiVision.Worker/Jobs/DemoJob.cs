using System.Text;
using XaiVision.Contracts;
using XaiVision.Engine.Demo;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Jobs;

/// <summary>The bundled demo as a job: uploads the demo model and images (with masks and a manifest) and describes the default audit.</summary>
public static class DemoJob
{
    public const string Container = "demo";

    public static async Task SeedAsync(IBlobStore store, CancellationToken ct = default)
    {
        var directory = DemoAssets.Directory;
        await store.WriteAsync(Container, "model/" + DemoAssets.WeightsFile, await File.ReadAllBytesAsync(Path.Combine(directory, DemoAssets.WeightsFile), ct), "application/octet-stream", ct);
        await store.WriteAsync(Container, "model/" + DemoAssets.ClassesFile, await File.ReadAllBytesAsync(Path.Combine(directory, DemoAssets.ClassesFile), ct), "text/plain", ct);
        var shortcut = Path.Combine(DemoAssets.ShortcutDirectory, DemoAssets.WeightsFile);
        if (File.Exists(shortcut))
            await store.WriteAsync(Container, "model/shortcut/" + DemoAssets.WeightsFile, await File.ReadAllBytesAsync(shortcut, ct), "application/octet-stream", ct);
        var manifest = new StringBuilder("path,label,mask\n");
        foreach (var line in (await File.ReadAllLinesAsync(Path.Combine(DemoAssets.ImagesDirectory, "labels.csv"), ct)).Skip(1))
        {
            var cells = line.Split(',');
            await store.WriteAsync(Container, $"images/{cells[0]}", await File.ReadAllBytesAsync(Path.Combine(DemoAssets.ImagesDirectory, cells[0]), ct), "image/png", ct);
            await store.WriteAsync(Container, $"masks/{cells[0]}", await File.ReadAllBytesAsync(Path.Combine(DemoAssets.MasksDirectory, cells[0]), ct), "image/png", ct);
            manifest.Append($"images/{cells[0]},{cells[1]},masks/{cells[0]}\n");
        }
        await store.WriteAsync(Container, "manifest.csv", Encoding.UTF8.GetBytes(manifest.ToString()), "text/csv", ct);
    }

    /// <summary>The shortcut demo's evaluation set (<see cref="ShortcutEvalSet"/>) under <c>strategies/</c>: images, masks, manifest.</summary>
    public static async Task SeedStrategiesAsync(IBlobStore store, CancellationToken ct = default)
    {
        var manifest = new StringBuilder("path,label,mask\n");
        foreach (var (name, sample) in ShortcutEvalSet.Generate())
        {
            await store.WriteAsync(Container, $"strategies/images/{name}", Engine.Imaging.ImageEncoding.Png(sample.Image), "image/png", ct);
            await store.WriteAsync(Container, $"strategies/masks/{name}", ShapesGenerator.MaskPng(sample.Mask, sample.Image.Width), "image/png", ct);
            manifest.Append($"images/{name},{sample.Label},masks/{name}\n");
        }
        await store.WriteAsync(Container, "strategies/manifest.csv", Encoding.UTF8.GetBytes(manifest.ToString()), "text/csv", ct);
    }

    /// <summary>The shortcut demo's evaluation set as a job's images (seeded by <see cref="SeedStrategiesAsync"/>).</summary>
    public static ImageSource StrategyImages => new() { Container = Container, Prefix = "strategies/images/", Manifest = "strategies/manifest.csv" };

    /// <summary>
    /// Strategy analysis on the shortcut demo's evaluation set (tagged and clean pictures of every class), for the shortcut model or
    /// the clean one: LRP, integrated gradients and Grad-CAM, each image explained for its true class, and CRP for the concepts that
    /// carry the relevance; maps only, no metrics.
    /// </summary>
    public static AuditJobSpec StrategiesSpec(string outputPrefix, bool shortcut) => new()
    {
        Model = new ModelSource
        {
            Architecture = "demo-shapes",
            Labels = $"{Container}/model/{DemoAssets.ClassesFile}",
            Weights = shortcut ? $"{Container}/model/shortcut/{DemoAssets.WeightsFile}" : $"{Container}/model/{DemoAssets.WeightsFile}",
        },
        Images = StrategyImages,
        Targets = "label",
        Suite = new SuiteDefinition { Explainers = ["lrp-composite", "integrated-gradients", "grad-cam", "crp"], Seed = 1 },
        Output = new OutputTarget { Container = "audits", Prefix = outputPrefix, Overlays = true, RawMaps = false },
        Analysis = ["strategies"],
        ShardSize = 25,
    };

    public static AuditJobSpec Spec(string outputPrefix, int shardSize = 4) => new()
    {
        Model = new ModelSource { Architecture = "demo-shapes", Weights = $"{Container}/model/{DemoAssets.WeightsFile}", Labels = $"{Container}/model/{DemoAssets.ClassesFile}" },
        Images = new ImageSource { Container = Container, Prefix = "images/", Manifest = "manifest.csv" },
        Suite = new SuiteDefinition
        {
            Explainers = ["grad-cam", "lrp-composite", "integrated-gradients", "random"],
            Perturbations = ["affine(rotate=15,scale=1.1)", "channel-swap", "text(text=XAI)", "mask(top=20)"],
            Metrics = ["deletion", "insertion", "localisation", "aopc-morf", "faithfulness-correlation", "road(steps=10)", "complexity"],
            Seed = 1,
        },
        Output = new OutputTarget { Container = "audits", Prefix = outputPrefix, Overlays = true, RawMaps = true },
        Gates = [new Gate { Metric = "relevance-mass", Method = "grad-cam", Min = 0.3 }, new Gate { Metric = "insertion", Method = "lrp-composite", Min = 0.5 }],
        ShardSize = shardSize,
    };

    /// <summary>
    /// The regression audit of the shortcut model against the clean one: attention drift, prediction changes and
    /// relevance-mass loss inside the objects, gated as a CI pipeline would.
    /// </summary>
    public static AuditJobSpec RegressionSpec(string outputPrefix, bool shortcutCandidate = true) => Spec(outputPrefix) with
    {
        Model = new ModelSource
        {
            Architecture = "demo-shapes",
            Labels = $"{Container}/model/{DemoAssets.ClassesFile}",
            Weights = shortcutCandidate ? $"{Container}/model/shortcut/{DemoAssets.WeightsFile}" : $"{Container}/model/{DemoAssets.WeightsFile}",
        },
        Baseline = new ModelSource { Architecture = "demo-shapes", Weights = $"{Container}/model/{DemoAssets.WeightsFile}", Labels = $"{Container}/model/{DemoAssets.ClassesFile}" },
        Targets = "label",
        Suite = new SuiteDefinition { Explainers = ["lrp-composite", "integrated-gradients"], Metrics = ["localisation", "deletion(steps=8)"], Seed = 1 },
        Gates =
        [
            new Gate { Metric = "drift-spearman", Min = 0.5 },
            new Gate { Metric = "delta-relevance-mass", Min = -0.1 },
            new Gate { Metric = "prediction-changes", Max = 0.1 },
        ],
    };
}
