namespace XaiVision.Engine.Reports;

/// <summary>Aggregates an audit's image records into its report: metric means, robustness, baseline comparison, gates.</summary>
public static class ReportBuilder
{
    public static JobReport Build(ReportRequest request, IReadOnlyList<ImageRecord> records, IReadOnlyList<ShardFailure>? failedShards = null)
    {
        failedShards ??= [];
        int failed = records.Count(r => r.Error is not null);
        var comparison = Comparison(records, request.Seed);
        // Comparison means join the per-method figures, so gates can name them like any metric.
        var metrics = MetricMeans(records).ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var (method, figures) in comparison ?? new Dictionary<string, IReadOnlyDictionary<string, Interval>>())
            metrics[method] = (metrics.TryGetValue(method, out var existing) ? existing : new Dictionary<string, double>())
                .Concat(figures.Select(f => KeyValuePair.Create(f.Key, f.Value.Mean))).ToDictionary(kv => kv.Key, kv => kv.Value);
        var verdict = Gates.WithShardFailures(Gates.Evaluate(request.Gates, metrics, records.Count == 0 ? 0 : (double)failed / records.Count), failedShards);
        var (outputs, curves) = MetricOutput.Of(request.Metrics);
        return new JobReport(1, request.Model, request.Targets ?? "predicted", records.Count, failed,
            records.SelectMany(r => r.Explanations).Select(e => e.Method).Distinct().ToList(), metrics, Robustness(records),
            records.Where(r => r.Error is not null).Select(r => new ImageError(r.Image, r.Error!)).ToList(),
            verdict, comparison, failedShards.Count > 0 ? failedShards : null, outputs, curves, ThroughTheNetwork(records));
    }

    /// <summary>Per LRP method and layer (forward order), the median and p10–p90 over the images of ΣR / logit; null without a layer sweep.</summary>
    public static IReadOnlyList<LayerConservation>? ThroughTheNetwork(IReadOnlyList<ImageRecord> records)
    {
        var shares = records.Where(r => r.LayerSweep is not null).SelectMany(r => r.LayerSweep!.Layers)
            .Where(l => l.ShareOfScore is not null).GroupBy(l => (l.Method, l.Layer)).ToList();
        if (shares.Count == 0) return null;
        return shares.Select(g =>
        {
            var sorted = g.Select(l => l.ShareOfScore!.Value).Order().ToList();
            return new LayerConservation(g.Key.Method, g.Key.Layer, Quantile(sorted, 0.5), Quantile(sorted, 0.1), Quantile(sorted, 0.9), sorted.Count);
        }).ToList();
    }

    /// <summary>The nearest-rank quantile of sorted values (NaN for none) — the report's medians and p10–p90 bands.</summary>
    internal static double Quantile(IReadOnlyList<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Round(q * (sorted.Count - 1))];

    /// <summary>Per method, the mean of every metric value over the images that have it.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> MetricMeans(IReadOnlyList<ImageRecord> records) =>
        records.SelectMany(i => i.Explanations).Where(e => e.Metrics is not null).GroupBy(e => e.Method).ToDictionary(
            g => g.Key,
            g => (IReadOnlyDictionary<string, double>)g.SelectMany(e => e.Metrics!).GroupBy(kv => kv.Key).ToDictionary(k => k.Key, k => k.Average(kv => kv.Value)));

    /// <summary>Per method and perturbation: mean flip rate, confidence change and map similarities.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Robustness(IReadOnlyList<ImageRecord> records) =>
        records.SelectMany(i => i.Explanations).Where(e => e.Perturbations is { Count: > 0 })
            .SelectMany(e => e.Perturbations!.Select(p => (Key: $"{e.Method} / {p.Perturbation}", p)))
            .GroupBy(x => x.Key).ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>
            {
                ["flip-rate"] = g.Average(x => x.p.Flipped ? 1.0 : 0.0),
                ["confidence-change"] = g.Average(x => (double)x.p.ConfidenceChange),
                ["spearman"] = g.Average(x => x.p.Spearman),
                ["ssim"] = g.Average(x => x.p.Ssim),
                ["top10-iou"] = g.Average(x => x.p.TopIou),
            });

    /// <summary>
    /// Per method: drift-spearman, drift-ssim, drift-top10-iou, drift-centre-shift, prediction-changes (share of images whose
    /// top-1 class changed) and delta-&lt;metric&gt; (candidate − baseline), each with a seeded 95 % bootstrap interval.
    /// </summary>
    static IReadOnlyDictionary<string, IReadOnlyDictionary<string, Interval>>? Comparison(IReadOnlyList<ImageRecord> records, long seed)
    {
        var compared = records.SelectMany(r => r.Explanations).Where(e => e.Comparison is not null).ToList();
        if (compared.Count == 0) return null;
        return compared.GroupBy(e => e.Method).ToDictionary(g => g.Key, g =>
        {
            var figures = new Dictionary<string, double[]>
            {
                ["drift-spearman"] = g.Select(e => e.Comparison!.Spearman).ToArray(),
                ["drift-ssim"] = g.Select(e => e.Comparison!.Ssim).ToArray(),
                ["drift-top10-iou"] = g.Select(e => e.Comparison!.TopIou).ToArray(),
                ["drift-centre-shift"] = g.Select(e => e.Comparison!.CentreShift).ToArray(),
                ["prediction-changes"] = g.Select(e => e.Comparison!.PredictionChanged ? 1.0 : 0.0).ToArray(),
            };
            foreach (var key in g.SelectMany(e => e.Comparison!.MetricDeltas.Keys).Distinct().Order(StringComparer.Ordinal))
                figures["delta-" + key] = g.Where(e => e.Comparison!.MetricDeltas.ContainsKey(key)).Select(e => e.Comparison!.MetricDeltas[key]).ToArray();
            return (IReadOnlyDictionary<string, Interval>)figures.ToDictionary(f => f.Key, f => Bootstrap.Mean(f.Value, seed));
        });
    }
}
