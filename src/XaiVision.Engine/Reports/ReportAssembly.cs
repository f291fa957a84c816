using XaiVision.Engine.Strategies;

namespace XaiVision.Engine.Reports;

/// <summary><c>report.json</c> (<see cref="JobReport"/>) from the fold: means, robustness, comparison with bootstrap intervals, the gates' verdict, errors by reason.</summary>
static class ReportAssembly
{
    public static JobReport Report(ReportAccumulator fold, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> metricMeans,
        IReadOnlyList<ShardFailure> failedShards, StrategyReport? strategies)
    {
        var request = fold.Request;
        var comparison = fold.ComparisonValues.Count == 0 ? null : fold.ComparisonValues.ToDictionary(m => m.Key, m => (IReadOnlyDictionary<string, Interval>)m.Value
            .OrderBy(f => IsDelta(f.Key) ? 1 : 0).ThenBy(f => IsDelta(f.Key) ? f.Key : "", StringComparer.Ordinal)
            .ToDictionary(f => f.Key, f => f.Value.Bootstrap(request.Seed)));
        // Comparison means join the per-method figures, so gates can name them like any metric.
        var means = metricMeans.ToDictionary(m => m.Key, m => m.Value);
        foreach (var (method, figures) in comparison ?? new Dictionary<string, IReadOnlyDictionary<string, Interval>>())
            means[method] = (means.TryGetValue(method, out var existing) ? existing : new Dictionary<string, double>())
                .Concat(figures.Select(f => KeyValuePair.Create(f.Key, f.Value.Mean))).ToDictionary(kv => kv.Key, kv => kv.Value);
        var verdict = Gates.WithShardFailures(Gates.Evaluate(request.Gates, means, fold.Images == 0 ? 0 : (double)fold.Failed / fold.Images), failedShards);
        return new JobReport(2, request.Model, request.Targets ?? "predicted", fold.Images, fold.Failed, fold.Methods.ToList(), means, Robustness(fold),
            fold.Errors.Summaries(), verdict, comparison, failedShards.Count > 0 ? failedShards : null, fold.Outputs, fold.Curves, ThroughTheNetwork(fold), strategies,
            WithoutTarget: fold.WithoutTarget > 0 ? fold.WithoutTarget : null);
    }

    static bool IsDelta(string figure) => figure.StartsWith("delta-", StringComparison.Ordinal);

    /// <summary>Per "method / perturbation": mean flip rate, confidence change and map similarities.</summary>
    static IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Robustness(ReportAccumulator fold) =>
        fold.RobustnessSums.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>
        {
            ["flip-rate"] = kv.Value.Flips / kv.Value.Count,
            ["confidence-change"] = kv.Value.ConfidenceChange / kv.Value.Count,
            ["spearman"] = kv.Value.Spearman / kv.Value.Count,
            ["ssim"] = kv.Value.Ssim / kv.Value.Count,
            ["top10-iou"] = kv.Value.TopIou / kv.Value.Count,
        });

    /// <summary>Per LRP method and layer (forward order): median and p10–p90 of ΣR / logit; null without a layer sweep.</summary>
    static IReadOnlyList<LayerConservation>? ThroughTheNetwork(ReportAccumulator fold) => fold.LayerShares.Count == 0 ? null : fold.LayerShares.Select(kv =>
    {
        var sorted = kv.Value.Sorted();
        return new LayerConservation(kv.Key.Method, kv.Key.Layer, ValueSample.NearestRank(sorted, 0.5), ValueSample.NearestRank(sorted, 0.1),
            ValueSample.NearestRank(sorted, 0.9), (int)kv.Value.Count);
    }).ToList();
}
