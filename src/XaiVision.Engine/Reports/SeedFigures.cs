using System.Globalization;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Suites;

namespace XaiVision.Engine.Reports;

/// <summary>
/// The seed notebook's result figures for one image (first target of each method): <c>figure.png</c> — per method, original |
/// heatmap | overlay, captioned with the explained class and score; <c>perturbations.png</c> — a row per transformation (the
/// original first), the image and each method's map on it, captioned with the prediction and confidence; <c>masking.png</c> — the
/// explained class's confidence against the fraction masked, per method, from the <c>mask(top=…)</c> perturbations (give several,
/// e.g. 10, 20, 40, for a curve; the deletion metric's curves are in the report).
/// </summary>
public static class SeedFigures
{
    static string Percent(double p) => (100 * p).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    static IEnumerable<SuiteMap> FirstTargets(SuiteImage image) => image.Maps.Where(m => m.TargetRank == 0);

    static RgbImage Overlay(RgbImage view, float[] map) => HeatmapRenderer.Overlay(view, map, HeatmapRenderer.ChooseScaling(map));

    public static byte[] Explanations(string name, SuiteImage image)
    {
        var top = image.Top5[0];
        var rows = FirstTargets(image).Select(m => (IReadOnlyList<FigureCanvas.Cell>)
        [
            new(image.View, "original", $"{image.View.Width}×{image.View.Height}"),
            new(HeatmapRenderer.Heatmap(m.Map, image.View.Width, HeatmapRenderer.ChooseScaling(m.Map)), m.Method, $"{m.Target.Name}: {Percent(m.Target.Probability)}"),
            new(Overlay(image.View, m.Map), "overlay", $"logit {m.Target.Logit.ToString("0.###", CultureInfo.InvariantCulture)}"),
        ]).ToList();
        // A multi-label image without a positive label (target positive) has no map: its figure says so.
        if (rows.Count == 0) rows.Add([new(image.View, "original", "no positive label: nothing explained")]);
        return FigureCanvas.Grid($"{name} — predicted {top.Name} ({Percent(top.Probability)})", rows);
    }

    /// <summary>Null without perturbations.</summary>
    public static byte[]? Perturbations(string name, SuiteImage image)
    {
        var maps = FirstTargets(image).ToList();
        if (maps.Count == 0 || maps[0].Perturbed.Count == 0) return null;
        var top = image.Top5[0];
        var rows = new List<IReadOnlyList<FigureCanvas.Cell>>();
        rows.Add([new(image.View, "original", $"→ {top.Name} {Percent(top.Probability)}"), .. maps.Select(m => new FigureCanvas.Cell(Overlay(image.View, m.Map), m.Method))]);
        for (int p = 0; p < maps[0].Perturbed.Count; p++)
        {
            var first = maps[0].Perturbed[p];
            rows.Add([new(first.View, first.Perturbation, $"→ {first.PredictionAfter.Name} {Percent(first.PredictionAfter.Probability)}"),
                .. maps.Select(m => new FigureCanvas.Cell(Overlay(m.Perturbed[p].View, m.Perturbed[p].Map), m.Method,
                    $"{m.Perturbed[p].PredictionAfter.Name} {Percent(m.Perturbed[p].PredictionAfter.Probability)} · ρ {m.Perturbed[p].Spearman.ToString("0.00", CultureInfo.InvariantCulture)}"))]);
        }
        return FigureCanvas.Grid($"{name} — transformations × methods (prediction and confidence under each)", rows);
    }

    /// <summary>Null when the suite does not mask (<c>mask(top=…)</c>).</summary>
    public static byte[]? Masking(string name, SuiteImage image)
    {
        var maps = FirstTargets(image).ToList();
        if (maps.Count == 0) return null;
        var series = new List<(string, IReadOnlyList<(double, double)>)>();
        foreach (var m in maps)
        {
            var masked = m.Perturbed.Where(p => p.Perturbation.StartsWith("mask-top", StringComparison.Ordinal)).ToList();
            if (masked.Count > 0)
                series.Add((m.Method, [(0, m.Target.Probability),
                    .. masked.Select(p => (double.Parse(p.Parameters["top"], CultureInfo.InvariantCulture) / 100, (double)p.TargetProbabilityAfter))]));
        }
        if (series.Count == 0) return null;
        return FigureCanvas.Lines($"{name} — confidence in {maps[0].Target.Name} as the most relevant pixels are masked", "fraction masked (most relevant first)",
            "confidence", series);
    }

    /// <summary>The layer sweep as a strip: a row per method, its layers left to right (input first for LRP), ΣR / logit under LRP's.</summary>
    public static byte[] Sweep(string name, RgbImage view, IReadOnlyList<SweepMap> maps)
    {
        var rows = maps.Where(m => m.Map is not null).GroupBy(m => m.Method).Select(g => (IReadOnlyList<FigureCanvas.Cell>)g.Select((m, i) => new FigureCanvas.Cell(
            HeatmapRenderer.Heatmap(m.Map!, view.Width, HeatmapRenderer.ChooseScaling(m.Map!)), i == 0 ? m.Method : m.Layer,
            (i == 0 ? m.Layer + (m.RelevanceSum is null ? "" : " · ") : "")
                + (m.RelevanceSum is { } r && m.Score is { } s && s != 0 ? $"ΣR/logit {(r / s).ToString("0.000", CultureInfo.InvariantCulture)}" : "")))
            .ToList()).ToList();
        return FigureCanvas.Grid($"{name} — through the network", rows, cellHeight: 96);
    }
}
