using System.Diagnostics;
using System.Text.Json;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Pipeline;

/// <summary>
/// Explains image files in batches and writes <c>&lt;out&gt;/&lt;image&gt;/&lt;method&gt;.png|.npy</c> plus
/// <c>&lt;out&gt;/summary.json</c>. An image that cannot be read becomes an error record; the
/// others go on.
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
        var methodMilliseconds = options.Explainers.ToDictionary(e => e.Name, _ => 0.0);
        int done = 0, failed = 0, explained = 0;

        for (int start = 0; start < imagePaths.Count; start += options.BatchSize)
        {
            var batch = new List<(int Index, RgbImage View)>();
            for (int i = start; i < Math.Min(imagePaths.Count, start + options.BatchSize); i++)
            {
                try
                {
                    var image = ImageDecoder.DecodeFile(imagePaths[i], options.Limits);
                    batch.Add((i, ImagePreparer.ToModelView(image, model.Preprocessing)));
                }
                catch (XaiVisionException e)
                {
                    records[i] = new ImageRecord(imagePaths[i], names[i], null, null, null, [], [], e.Message);
                    failed++;
                }
            }
            if (batch.Count > 0)
            {
                var batchRecords = ExplainBatch(batch.Select(b => b.View).ToList(), batch.Select(b => (imagePaths[b.Index], names[b.Index])).ToList(),
                    outputDirectory, methodMilliseconds);
                for (int j = 0; j < batch.Count; j++) records[batch[j].Index] = batchRecords[j];
                explained += batch.Count;
            }
            done = Math.Min(imagePaths.Count, start + options.BatchSize);
            progress?.Report(new ExplainProgress(done, imagePaths.Count, failed));
        }

        var summary = new ExplainSummary(
            model.Description, model.Device.ToString(), options.Target.ToString(), options.BatchSize, options.Seed,
            options.Explainers.Select(e => e.Name).ToList(), records,
            methodMilliseconds.ToDictionary(kv => kv.Key, kv => explained == 0 ? 0 : kv.Value / explained),
            total.Elapsed.TotalSeconds);
        File.WriteAllText(Path.Combine(outputDirectory, "summary.json"), JsonSerializer.Serialize(summary, Json));
        return summary;
    }

    ImageRecord[] ExplainBatch(List<RgbImage> views, List<(string Path, string Name)> images, string outputDirectory,
        Dictionary<string, double> methodMilliseconds)
    {
        using var scope = NewDisposeScope();
        var input = ImagePreparer.ToBatch(views, model.Preprocessing).to(model.Device);
        Tensor logits;
        using (no_grad()) logits = model.Forward(input).cpu();
        var probabilities = logits.softmax(1);
        var targets = options.Target.Choose(logits);

        // One row per (image, target): top-k repeats an image k times in the explained batch.
        var rows = targets.SelectMany((classes, image) => classes.Select(c => (Image: image, Class: c))).ToList();
        var rowImages = tensor(rows.Select(r => (long)r.Image).ToArray(), device: model.Device);
        var rowInput = rows.Count == views.Count ? input : input.index_select(0, rowImages);
        var rowTargets = tensor(rows.Select(r => r.Class).ToArray(), device: model.Device);

        var explanations = images.Select(_ => new List<ExplanationRecord>()).ToArray();
        var masks = images.Select(i => Metrics.Contains(MetricNames.Localisation) ? LoadMask(i.Path, views[0].Width) : null).ToArray();
        foreach (var explainer in options.Explainers)
        {
            var watch = Stopwatch.StartNew();
            float[] maps;
            double milliseconds;
            var faithfulness = new Dictionary<string, IReadOnlyList<FaithfulnessCurve>>();
            using (var map = explainer.Explain(model, rowInput, rowTargets, options.Seed))
            {
                maps = map.to(ScalarType.Float32).cpu().data<float>().ToArray();
                milliseconds = watch.Elapsed.TotalMilliseconds;
                foreach (var metric in Metrics.Where(m => m is MetricNames.Deletion or MetricNames.Insertion))
                    faithfulness[metric] = new DeletionInsertion(metric == MetricNames.Insertion, options.MetricSteps, Math.Max(options.BatchSize, 16) * 4)
                        .Evaluate(model, rowInput, map);
            }
            double perImage = milliseconds / views.Count;
            methodMilliseconds[explainer.Name] += milliseconds;

            int plane = views[0].Width * views[0].Height;
            for (int r = 0; r < rows.Count; r++)
            {
                var (image, cls) = rows[r];
                var map = maps.AsSpan(r * plane, plane).ToArray();
                var suffix = targets[image].Length > 1 ? $".top{Array.IndexOf(targets[image], cls) + 1}-{Sanitise(model.ClassName(cls))}" : "";
                var record = Write(views[image], map, explainer, images[image].Name + "/" + explainer.Name + suffix, outputDirectory,
                    Score(logits, probabilities, image, cls), perImage);
                explanations[image].Add(record with { Metrics = MetricsFor(r, map, views[image].Width, masks[image], faithfulness) });
            }
        }

        var records = new ImageRecord[views.Count];
        for (int i = 0; i < views.Count; i++)
        {
            var top = TopScores(logits, probabilities, i, 5);
            records[i] = new ImageRecord(images[i].Path, images[i].Name, views[i].Width, views[i].Height, top[0], top, explanations[i], null);
        }
        return records;
    }

    ExplanationRecord Write(RgbImage view, float[] map, IExplainer explainer, string stem, string outputDirectory, ClassScore target, double milliseconds)
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
        return new ExplanationRecord(explainer.Name, explainer.Describe(model), target, overlay, raw,
            scaling == HeatmapScaling.MinMax ? "min-max, viridis" : "symmetric at the 98th percentile of |v|, blue-white-red", map.Min(), map.Max(), map.Sum(), milliseconds);
    }

    IReadOnlyList<string> Metrics => options.Metrics ?? [];

    static Dictionary<string, double>? MetricsFor(int row, float[] map, int width, bool[]? mask, Dictionary<string, IReadOnlyList<FaithfulnessCurve>> faithfulness)
    {
        var metrics = faithfulness.ToDictionary(kv => kv.Key, kv => kv.Value[row].Auc);
        if (mask is not null)
        {
            var s = Localisation.Score(map, mask, width);
            metrics["pointing-game"] = s.PointingHit ? 1 : 0;
            metrics["relevance-mass"] = s.RelevanceMass;
            metrics["relevance-rank"] = s.RelevanceRank;
            metrics["outside-fraction"] = s.OutsideFraction;
        }
        return metrics.Count == 0 ? null : metrics;
    }

    /// <summary>The image's ground-truth mask, resized and cropped as the image was (object = brighter than mid-grey).</summary>
    bool[]? LoadMask(string imagePath, int size)
    {
        var path = options.MaskFor?.Invoke(imagePath);
        if (path is null) return null;
        var view = ImagePreparer.ToModelView(ImageDecoder.DecodeFile(path, options.Limits), model.Preprocessing);
        var mask = Enumerable.Range(0, view.Width * view.Height).Select(i => view.Pixels[i * 3] > 127).ToArray();
        return mask.Any(m => m) ? mask : null;
    }

    ClassScore Score(Tensor logits, Tensor probabilities, int image, long cls) =>
        new(cls, model.ClassName(cls), logits[image, cls].item<float>(), probabilities[image, cls].item<float>());

    List<ClassScore> TopScores(Tensor logits, Tensor probabilities, int image, int k)
    {
        k = (int)Math.Min(k, logits.shape[1]);
        var indices = logits[image].topk(k).indexes.data<long>().ToArray();
        return indices.Select(c => Score(logits, probabilities, image, c)).ToList();
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
