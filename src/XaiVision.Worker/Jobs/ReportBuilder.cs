using XaiVision.Contracts;
using XaiVision.Engine.Pipeline;

namespace XaiVision.Worker.Jobs;

/// <summary>Aggregates the shard records of a job into the report and checks the gates.</summary>
public static class ReportBuilder
{
    public static JobReport Build(AuditJobSpec spec, IReadOnlyList<ImageRecord> records, IReadOnlyList<ShardFailure>? failedShards = null)
    {
        failedShards ??= [];
        var summary = new ExplainSummary(spec.Model.Architecture, "", spec.Targets, 0, spec.Suite.Seed, spec.Suite.Explainers, records,
            new Dictionary<string, double>(), 0);
        var comparison = Comparison(records, spec.Suite.Seed);
        // Comparison means join the per-method figures, so gates can name them like any metric.
        var metrics = summary.MetricMeansByMethod.ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var (method, figures) in comparison ?? new Dictionary<string, IReadOnlyDictionary<string, Interval>>())
            metrics[method] = (metrics.TryGetValue(method, out var existing) ? existing : new Dictionary<string, double>())
                .Concat(figures.Select(f => KeyValuePair.Create(f.Key, f.Value.Mean))).ToDictionary(kv => kv.Key, kv => kv.Value);
        return new JobReport(1, spec.Model.Architecture + (spec.Model.Weights is null ? "" : $" ({spec.Model.Weights})"), spec.Targets,
            records.Count, summary.Failed, records.SelectMany(r => r.Explanations).Select(e => e.Method).Distinct().ToList(),
            metrics, summary.RobustnessByMethod,
            records.Where(r => r.Error is not null).Select(r => new ImageError(r.Image, r.Error!)).ToList(),
            WithShardFailures(Evaluate(spec.Gates, metrics, records.Count == 0 ? 0 : (double)summary.Failed / records.Count), failedShards), comparison, failedShards.Count > 0 ? failedShards : null);
    }

    /// <summary>A shard that failed as a whole leaves the audit incomplete: that fails the gates, whatever the figures say.</summary>
    static GateVerdict WithShardFailures(GateVerdict verdict, IReadOnlyList<ShardFailure> failedShards) => failedShards.Count == 0 ? verdict
        : new GateVerdict(false, [.. verdict.Failures, .. failedShards.Select(f => $"shard {f.Shard + 1} failed ({f.Images} images not audited): {f.Reason}")]);

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
            return (IReadOnlyDictionary<string, Interval>)figures.ToDictionary(f => f.Key, f => Bootstrap(f.Value, seed));
        });
    }

    public static Interval Bootstrap(double[] values, long seed, int resamples = 1000)
    {
        if (values.Length == 0) return new Interval(double.NaN, double.NaN, double.NaN);
        var random = new Random(unchecked((int)seed * 31 + values.Length));
        var means = new double[resamples];
        for (int r = 0; r < resamples; r++)
        {
            double sum = 0;
            for (int i = 0; i < values.Length; i++) sum += values[random.Next(values.Length)];
            means[r] = sum / values.Length;
        }
        Array.Sort(means);
        return new Interval(values.Average(), means[(int)(0.025 * (resamples - 1))], means[(int)Math.Ceiling(0.975 * (resamples - 1))]);
    }

    /// <summary>The job-level gate figure: the share of images that could not be explained (any method).</summary>
    public const string FailedImagesFigure = "failed-images";

    public static GateVerdict Evaluate(IReadOnlyList<Gate> gates, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> metrics, double failedShare = 0)
    {
        var failures = new List<string>();
        foreach (var gate in gates)
        {
            if (gate.Metric == FailedImagesFigure)
            {
                if (gate.Min is { } low && failedShare < low) failures.Add($"{FailedImagesFigure} = {failedShare:F4} is below the minimum {low}");
                if (gate.Max is { } high && failedShare > high) failures.Add($"{FailedImagesFigure} = {failedShare:F4} is above the maximum {high}");
                continue;
            }
            var methods = gate.Method is null ? metrics.Keys.ToList() : [gate.Method];
            foreach (var method in methods)
            {
                if (!metrics.TryGetValue(method, out var values) || !values.TryGetValue(gate.Metric, out var value))
                {
                    failures.Add($"{gate.Metric} of {method}: no such figure in the report");
                    continue;
                }
                if (gate.Min is { } min && value < min) failures.Add($"{gate.Metric} of {method} = {value:F4} is below the minimum {min}");
                if (gate.Max is { } max && value > max) failures.Add($"{gate.Metric} of {method} = {value:F4} is above the maximum {max}");
            }
        }
        return new GateVerdict(failures.Count == 0, failures);
    }
}
