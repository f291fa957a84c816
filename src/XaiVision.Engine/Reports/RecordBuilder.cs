using XaiVision.Engine.Imaging;
using XaiVision.Engine.Strategies;
using XaiVision.Engine.Suites;

namespace XaiVision.Engine.Reports;

/// <summary>
/// Turns one image's suite result into its record and its artefacts (overlay PNGs, heatmap PNGs <c>.map.png</c>, raw .npy
/// maps) under <c>&lt;name&gt;/[&lt;perturbation&gt;/]&lt;method&gt;</c>, handed to <paramref name="write"/> as
/// (relative path, bytes). Without timings the record is a pure function of the inputs, so stored
/// results are byte-identical when a job runs again.
/// </summary>
public sealed class RecordBuilder(bool overlays, bool rawMaps, Action<string, byte[]> write)
{
    /// <summary>With strategy analysis: the thumbnails' size S (each map's and the mask's S×S form go into the record).</summary>
    public int? ThumbnailSize { get; init; }

    public ImageRecord Build(string path, string name, SuiteImage image, Func<string, double>? millisecondsPerImage = null)
    {
        var explanations = new List<ExplanationRecord>();
        foreach (var map in image.Maps)
        {
            var suffix = Suffix(map);
            var (overlay, raw, scaling) = WriteMap(image.View, map.Map, $"{name}/{map.Method}{suffix}");
            var heatmap = WriteHeatmap(map.Map, image.View.Width, $"{name}/{map.Method}{suffix}");
            var perturbations = map.Perturbed.Select(p =>
            {
                var (pOverlay, pRaw, _) = WriteMap(p.View, p.Map, $"{name}/{p.Perturbation}/{map.Method}{suffix}");
                return new PerturbationRecord(p.Perturbation, p.Parameters, p.PredictionAfter, p.TargetProbabilityBefore, p.TargetProbabilityAfter,
                    p.TargetProbabilityAfter - p.TargetProbabilityBefore, p.Flipped, p.Spearman, p.Ssim, p.TopIou, pOverlay, pRaw);
            }).ToList();
            explanations.Add(new ExplanationRecord(map.Method, map.Parameters, map.Target, overlay, raw, scaling,
                map.Map.Min(), map.Map.Max(), map.Map.Sum(), millisecondsPerImage?.Invoke(map.Method) ?? 0,
                map.Metrics.Count > 0 ? map.Metrics : null, perturbations.Count > 0 ? perturbations : null, Curves: map.Curves, Heatmap: heatmap,
                Thumbnail: ThumbnailSize is { } size ? MapThumbnail.Encode(MapThumbnail.Downsample(map.Map, image.View.Height, image.View.Width, size)) : null,
                Concepts: map.Concepts));
        }
        var mask = ThumbnailSize is { } cells && image.Mask is { } objectMask
            ? MapThumbnail.EncodeCoverage(MapThumbnail.Coverage(objectMask, image.View.Height, image.View.Width, cells)) : null;
        var sweep = image.Sweep is { Count: > 0 } sweepMaps ? WriteSweep(name, image.View, sweepMaps) : null;
        if (!overlays) return new ImageRecord(path, name, image.View.Width, image.View.Height, image.Top5[0], image.Top5, explanations, null, LayerSweep: sweep, MaskThumbnail: mask);
        var input = $"{name}/input.png";
        write(input, SkiaPixels.EncodePng(HeatmapRenderer.Enlarge(image.View, HeatmapRenderer.MinimumDisplaySize)));
        string? Figure(string file, byte[]? png)
        {
            if (png is null) return null;
            write($"{name}/{file}", png);
            return $"{name}/{file}";
        }
        var title = Path.GetFileName(name);
        return new ImageRecord(path, name, image.View.Width, image.View.Height, image.Top5[0], image.Top5, explanations, null, input,
            Figure("figure.png", SeedFigures.Explanations(title, image)), Figure("perturbations.png", SeedFigures.Perturbations(title, image)),
            Figure("masking.png", SeedFigures.Masking(title, image)), sweep, MaskThumbnail: mask);
    }

    /// <summary>The layer sweep's strip (<c>sweep.png</c>) and raw maps (<c>sweep/&lt;method&gt;.npy</c>), and its record.</summary>
    LayerSweepRecord WriteSweep(string name, RgbImage view, IReadOnlyList<SweepMap> maps)
    {
        var raw = new Dictionary<string, string>();
        var layers = new List<SweepLayer>();
        foreach (var method in maps.GroupBy(m => m.Method))
        {
            var withMaps = method.Where(m => m.Map is not null).ToList();
            layers.AddRange(method.Select(m => new SweepLayer(m.Method, m.Layer, m.Map is null ? null : withMaps.IndexOf(m), m.RelevanceSum, m.Score)));
            if (!rawMaps || withMaps.Count == 0) continue;
            var file = $"{name}/sweep/{FileNames.Sanitise(method.Key)}.npy";
            write(file, NpyFile.Float32(withMaps.SelectMany(m => m.Map!).ToArray(), withMaps.Count, view.Height, view.Width));
            raw[method.Key] = file;
        }
        string? strip = null;
        if (overlays)
        {
            strip = $"{name}/sweep.png";
            write(strip, SeedFigures.Sweep(Path.GetFileName(name), view, maps));
        }
        return new LayerSweepRecord(strip, raw.Count > 0 ? raw : null, layers);
    }

    /// <summary>
    /// The comparisons of one image with the baseline model's maps (same order as the candidate's), with the baseline's map
    /// and the difference (candidate − baseline, each divided by its largest |value|) drawn under <c>&lt;name&gt;/baseline/</c>
    /// and <c>&lt;name&gt;/difference/</c>.
    /// </summary>
    public IReadOnlyList<ComparisonRecord> WithPictures(string name, SuiteImage candidate, SuiteImage baseline, IReadOnlyList<ComparisonRecord> comparisons) =>
        comparisons.Select((comparison, m) =>
        {
            var (c, b) = (candidate.Maps[m], baseline.Maps[m]);
            var suffix = Suffix(c);
            float cMax = c.Map.Max(MathF.Abs), bMax = b.Map.Max(MathF.Abs);
            var difference = c.Map.Select((v, i) => (cMax > 0 ? v / cMax : 0) - (bMax > 0 ? b.Map[i] / bMax : 0)).ToArray();
            return comparison with
            {
                BaselineHeatmap = WriteHeatmap(b.Map, baseline.View.Width, $"{name}/baseline/{c.Method}{suffix}"),
                DifferenceHeatmap = WriteHeatmap(difference, candidate.View.Width, $"{name}/difference/{c.Method}{suffix}", signed: true),
            };
        }).ToList();

    /// <summary>With several targets per image, which one a file is for: <c>.top2-&lt;class&gt;</c>.</summary>
    static string Suffix(SuiteMap map) => map.TargetCount > 1 ? $".top{map.TargetRank + 1}-{FileNames.Sanitise(map.Target.Name)}" : "";

    HeatmapFile? WriteHeatmap(float[] map, int width, string stem, bool signed = false)
    {
        if (!overlays) return null;
        var scaling = signed ? HeatmapScaling.Symmetric : HeatmapRenderer.ChooseScaling(map);
        write(stem + ".map.png", HeatmapRenderer.HeatmapPng(map, width, scaling));
        var (low, high) = HeatmapRenderer.Range(map, scaling);
        return new HeatmapFile(stem + ".map.png", low, high, scaling == HeatmapScaling.Symmetric);
    }

    (string? Overlay, string? Raw, string Scaling) WriteMap(RgbImage view, float[] map, string stem)
    {
        var scaling = HeatmapRenderer.ChooseScaling(map);
        string? overlay = null, raw = null;
        if (overlays)
        {
            overlay = stem + ".png";
            write(overlay, HeatmapRenderer.OverlayPng(view, map, scaling));
        }
        if (rawMaps)
        {
            raw = stem + ".npy";
            write(raw, NpyFile.Float32(map, view.Height, view.Width));
        }
        return (overlay, raw, scaling == HeatmapScaling.MinMax ? "min-max, viridis" : "symmetric at the 98th percentile of |v|, blue-white-red");
    }
}
