using System.Diagnostics;
using System.Text.Json;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;

namespace XaiVision.Engine.Pipeline;

/// <summary>
/// Explains image files in batches with the <see cref="SuiteRunner"/> and writes
/// <c>&lt;out&gt;/&lt;image&gt;/&lt;method&gt;.png|.npy</c>, perturbed maps in
/// <c>&lt;out&gt;/&lt;image&gt;/&lt;perturbation&gt;/</c>, each image's <c>records.json</c> and
/// <c>&lt;out&gt;/summary.json</c>. An image that cannot be read becomes an error record; the others go on.
/// </summary>
public sealed class ExplainRunner(ExplainableModel model, ExplainOptions options)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public ExplainSummary Run(IReadOnlyList<string> imagePaths, string outputDirectory, IProgress<ExplainProgress>? progress = null)
    {
        if (imagePaths.Count == 0) throw new XaiVisionException("No images to explain.");
        if (options.Explainers.Count == 0) throw new XaiVisionException("No methods to run.");
        Directory.CreateDirectory(outputDirectory);
        var total = Stopwatch.StartNew();
        var names = UniqueNames(imagePaths);
        var records = new ImageRecord[imagePaths.Count];
        var stages = new Dictionary<string, double>();
        var spec = new SuiteSpec(options.Explainers, options.Target, options.Seed, options.Perturbations, options.Metrics);
        int failed = 0, explained = 0;

        for (int start = 0; start < imagePaths.Count; start += options.BatchSize)
        {
            var batch = new List<(int Index, RgbImage View, bool[]? Mask)>();
            var decode = Stopwatch.StartNew();
            for (int i = start; i < Math.Min(imagePaths.Count, start + options.BatchSize); i++)
            {
                try
                {
                    var view = ImagePreparer.ToModelView(ImageDecoder.DecodeFile(imagePaths[i], options.Limits), model.Preprocessing);
                    batch.Add((i, view, LoadMask(imagePaths[i])));
                }
                catch (XaiVisionException e)
                {
                    records[i] = new ImageRecord(imagePaths[i], names[i], null, null, null, [], [], e.Message);
                    failed++;
                }
            }
            stages["decode"] = stages.GetValueOrDefault("decode") + decode.Elapsed.TotalMilliseconds;
            if (batch.Count > 0)
            {
                var result = new SuiteRunner(model, spec).Run(batch.Select(b => b.View).ToList(), batch.Select(b => b.Mask).ToList());
                foreach (var (stage, ms) in result.StageMilliseconds) stages[stage] = stages.GetValueOrDefault(stage) + ms;
                var write = Stopwatch.StartNew();
                for (int j = 0; j < batch.Count; j++)
                    records[batch[j].Index] = Write(imagePaths[batch[j].Index], names[batch[j].Index], result.Images[j], result.StageMilliseconds, batch.Count, outputDirectory);
                stages["write"] = stages.GetValueOrDefault("write") + write.Elapsed.TotalMilliseconds;
                explained += batch.Count;
            }
            progress?.Report(new ExplainProgress(Math.Min(imagePaths.Count, start + options.BatchSize), imagePaths.Count, failed));
        }

        double PerImage(double ms) => explained == 0 ? 0 : ms / explained;
        var summary = new ExplainSummary(
            model.Description, model.Device.ToString(), options.Target.ToString(), options.BatchSize, options.Seed,
            options.Explainers.Select(e => e.Name).ToList(), records,
            options.Explainers.ToDictionary(e => e.Name, e => PerImage(stages.GetValueOrDefault($"explain:{e.Name}"))),
            total.Elapsed.TotalSeconds,
            stages.ToDictionary(kv => kv.Key, kv => PerImage(kv.Value)));
        File.WriteAllText(Path.Combine(outputDirectory, "summary.json"), JsonSerializer.Serialize(summary, Json));
        return summary;
    }

    ImageRecord Write(string path, string name, SuiteImage image, IReadOnlyDictionary<string, double> stages, int batchSize, string outputDirectory)
    {
        var explanations = new List<ExplanationRecord>();
        foreach (var map in image.Maps)
        {
            var suffix = map.TargetCount > 1 ? $".top{map.TargetRank + 1}-{Sanitise(map.Target.Name)}" : "";
            var stem = $"{name}/{map.Method}{suffix}";
            var (overlay, raw, scaling) = WriteMap(image.View, map.Map, stem, outputDirectory);
            var perturbations = map.Perturbed.Select(p =>
            {
                var (pOverlay, pRaw, _) = WriteMap(p.View, p.Map, $"{name}/{p.Perturbation}/{map.Method}{suffix}", outputDirectory);
                return new PerturbationRecord(p.Perturbation, p.Parameters, p.PredictionAfter, p.TargetProbabilityBefore, p.TargetProbabilityAfter,
                    p.TargetProbabilityAfter - p.TargetProbabilityBefore, p.Flipped, p.Spearman, p.Ssim, p.TopIou, pOverlay, pRaw);
            }).ToList();
            explanations.Add(new ExplanationRecord(map.Method, map.Parameters, map.Target, overlay, raw, scaling,
                map.Map.Min(), map.Map.Max(), map.Map.Sum(), stages.GetValueOrDefault($"explain:{map.Method}") / batchSize,
                map.Metrics.Count > 0 ? map.Metrics : null, perturbations.Count > 0 ? perturbations : null));
        }
        var record = new ImageRecord(path, name, image.View.Width, image.View.Height, image.Top5[0], image.Top5, explanations, null);
        Directory.CreateDirectory(Path.Combine(outputDirectory, name));
        File.WriteAllText(Path.Combine(outputDirectory, name, "records.json"), JsonSerializer.Serialize(record, Json));
        return record;
    }

    (string? Overlay, string? Raw, string Scaling) WriteMap(RgbImage view, float[] map, string stem, string outputDirectory)
    {
        var scaling = HeatmapRenderer.ChooseScaling(map);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(outputDirectory, stem))!);
        string? overlay = null, raw = null;
        if (options.WriteOverlays)
        {
            overlay = stem + ".png";
            File.WriteAllBytes(Path.Combine(outputDirectory, overlay), HeatmapRenderer.OverlayPng(view, map, scaling));
        }
        if (options.WriteRawMaps)
        {
            raw = stem + ".npy";
            File.WriteAllBytes(Path.Combine(outputDirectory, raw), NpyFile.Float32(map, view.Height, view.Width));
        }
        return (overlay, raw, scaling == HeatmapScaling.MinMax ? "min-max, viridis" : "symmetric at the 98th percentile of |v|, blue-white-red");
    }

    /// <summary>The image's ground-truth mask, resized and cropped as the image was (object = brighter than mid-grey).</summary>
    bool[]? LoadMask(string imagePath)
    {
        var path = options.MaskFor?.Invoke(imagePath);
        if (path is null) return null;
        var view = ImagePreparer.ToModelView(ImageDecoder.DecodeFile(path, options.Limits), model.Preprocessing);
        var mask = Enumerable.Range(0, view.Width * view.Height).Select(i => view.Pixels[i * 3] > 127).ToArray();
        return mask.Any(m => m) ? mask : null;
    }

    /// <summary>File stems, made unique when two inputs share one (a.png and a.jpg).</summary>
    static string[] UniqueNames(IReadOnlyList<string> paths)
    {
        var stems = paths.Select(p => Sanitise(Path.GetFileNameWithoutExtension(p))).ToArray();
        var duplicated = stems.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        var used = new HashSet<string>();
        for (int i = 0; i < stems.Length; i++)
        {
            var name = duplicated.Contains(stems[i]) ? Sanitise(Path.GetFileName(paths[i])) : stems[i];
            var unique = name;
            for (int n = 2; !used.Add(unique); n++) unique = $"{name}-{n}";
            stems[i] = unique;
        }
        return stems;
    }

    static string Sanitise(string name)
    {
        var chars = name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or '+' ? c : '_').ToArray();
        var s = new string(chars).Trim('.');
        return s.Length == 0 ? "image" : s;
    }
}
