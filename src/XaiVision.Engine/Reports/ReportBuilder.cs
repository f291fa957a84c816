namespace XaiVision.Engine.Reports;

/// <summary>An audit's report from records already in memory (the <c>explain</c> command, tests): the same fold as a job's aggregation.</summary>
public static class ReportBuilder
{
    public static JobReport Build(ReportRequest request, IReadOnlyList<ImageRecord> records, IReadOnlyList<ShardFailure>? failedShards = null) =>
        Fold(request, records).Report(failedShards);

    /// <summary>The records folded in order.</summary>
    public static ReportAccumulator Fold(ReportRequest request, IEnumerable<ImageRecord> records)
    {
        var accumulator = new ReportAccumulator(request);
        foreach (var record in records) accumulator.Add(record);
        return accumulator;
    }

    /// <summary>Per LRP method and layer (forward order), the median and p10–p90 over the images of ΣR / logit; null without a layer sweep.</summary>
    public static IReadOnlyList<LayerConservation>? ThroughTheNetwork(IReadOnlyList<ImageRecord> records) =>
        Fold(new ReportRequest("", null, 0, [], []), records).ThroughTheNetwork();

    /// <summary>The nearest-rank quantile of sorted values (NaN for none) — the report's medians and p10–p90 bands.</summary>
    internal static double Quantile(IReadOnlyList<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Round(q * (sorted.Count - 1))];

    /// <summary>Per method, the mean of every metric value over the images that have it.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> MetricMeans(IReadOnlyList<ImageRecord> records) =>
        Fold(new ReportRequest("", null, 0, [], []), records).MetricValues
            .ToDictionary(m => m.Key, m => (IReadOnlyDictionary<string, double>)m.Value.ToDictionary(v => v.Key, v => v.Value.Mean));

    /// <summary>Per method and perturbation: mean flip rate, confidence change and map similarities.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Robustness(IReadOnlyList<ImageRecord> records) =>
        Fold(new ReportRequest("", null, 0, [], []), records).Robustness();
}
