using System.Diagnostics;
using XaiVision.Engine.Demo;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.MetaEvaluation;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;
using static TorchSharp.torch;

namespace XaiVision.Bench;

/// <summary>
/// <c>--meta-evaluation [--perturbations K] [--methods …] [--metrics …]</c>: which metrics to trust on the bundled demo model and on
/// the shortcut model (its tagged twin, trained to read the tag), on the demo's images with their masks: a row per metric output and
/// perturbation kind with MetaQuantus's four criteria and their mean (MC).
/// </summary>
public static class MetaEvaluationBench
{
    public static int Run(string[] args)
    {
        string Value(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        int perturbations = int.Parse(Value("--perturbations", "3"));
        var explainers = ExplainerCatalog.CreateList(Value("--methods", "grad-cam;lrp-composite;integrated-gradients;random").Replace(';', ','));
        var metrics = MetricCatalog.CreateList(Value("--metrics", "deletion;insertion;localisation;aopc-morf;faithfulness-correlation;road(steps=10);complexity").Replace(';', ','));
        var csv = File.ReadAllLines(Path.Combine(DemoAssets.ImagesDirectory, "labels.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var masks = csv.Select(c =>
        {
            var mask = ImageDecoder.DecodeFile(Path.Combine(DemoAssets.MasksDirectory, c[0]));
            return (bool[]?)Enumerable.Range(0, mask.Width * mask.Height).Select(i => mask.Pixels[i * 3] > 127).ToArray();
        }).ToList();
        Console.WriteLine($"# meta-evaluation on the {csv.Count} demo images, {perturbations} perturbations per test, methods {string.Join(", ", explainers.Select(e => e.Name))}");
        Console.WriteLine("| model | output | kind | IAC NR | IAC AR | IEC NR | IEC AR | MC |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        var shortcut = DemoAssets.ModelSpec with { WeightsPath = Path.Combine(DemoAssets.ShortcutDirectory, DemoAssets.WeightsFile) };
        foreach (var (name, spec) in new[] { ("demo", DemoAssets.ModelSpec), ("shortcut", shortcut) })
        {
            if (!File.Exists(spec.WeightsPath)) continue;
            using var scope = NewDisposeScope();
            using var model = ModelLoader.Load(spec, CPU);
            var images = ImagePreparer.ToBatch(csv.Select(c => ImagePreparer.ToModelView(ImageDecoder.DecodeFile(Path.Combine(DemoAssets.ImagesDirectory, c[0])),
                model.Preprocessing)).ToList(), model.Preprocessing);
            Tensor targets;
            using (no_grad()) targets = model.Forward(images).argmax(1);
            var watch = Stopwatch.StartNew();
            var results = MetaEvaluator.Run(model, explainers, metrics, images, targets, masks, 1, perturbations,
                progress: m => Console.Error.WriteLine($"{name} {watch.Elapsed.TotalSeconds:F0} s: {m}"));
            static string F(double? v) => v is { } x ? x.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) : "–";
            foreach (var r in results.OrderBy(r => r.Kind).ThenByDescending(r => r.Score ?? -1))
                Console.WriteLine($"| {name} | {r.Output} | {r.Kind} | {F(r.IacNr)} | {F(r.IacAr)} | {F(r.IecNr)} | {F(r.IecAr)} | **{F(r.Score)}** |");
            Console.Error.WriteLine($"{name}: {watch.Elapsed.TotalSeconds:F0} s");
        }
        return 0;
    }
}
