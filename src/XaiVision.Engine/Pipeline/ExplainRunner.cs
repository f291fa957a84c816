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
        var builder = new RecordBuilder(options.WriteOverlays, options.WriteRawMaps, (relative, bytes) =>
        {
            var file = Path.Combine(outputDirectory, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, bytes);
        });
        var record = builder.Build(path, name, image, method => stages.GetValueOrDefault($"explain:{method}") / batchSize);
        Directory.CreateDirectory(Path.Combine(outputDirectory, name));
        File.WriteAllText(Path.Combine(outputDirectory, name, "records.json"), JsonSerializer.Serialize(record, Json));
        return record;
    }

    /// <summary>The image's ground-truth mask, resized and cropped as the image was (object = brighter than mid-grey).</summary>
    bool[]? LoadMask(string imagePath)
    {
        var path = options.MaskFor?.Invoke(imagePath);
        if (path is null) return null;
        return GroundTruthMask.FromImage(ImagePreparer.ToModelView(ImageDecoder.DecodeFile(path, options.Limits), model.Preprocessing));
    }

    /// <summary>File stems, made unique when two inputs share one (a.png and a.jpg).</summary>
    static string[] UniqueNames(IReadOnlyList<string> paths)
    {
        var stems = paths.Select(p => FileNames.Sanitise(Path.GetFileNameWithoutExtension(p))).ToArray();
        var duplicated = stems.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        var used = new HashSet<string>();
        for (int i = 0; i < stems.Length; i++)
        {
            var name = duplicated.Contains(stems[i]) ? FileNames.Sanitise(Path.GetFileName(paths[i])) : stems[i];
            var unique = name;
            for (int n = 2; !used.Add(unique); n++) unique = $"{name}-{n}";
            stems[i] = unique;
        }
        return stems;
    }
}
