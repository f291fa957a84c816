using XaiVision.Engine.Pipeline;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// <c>report.json</c>, schema version 1: counts, per-method means of every metric and of the
/// robustness figures per perturbation, every per-image error, and the gate verdict. No timings or
/// dates, so the same job gives the same bytes.
/// </summary>
public sealed record JobReport(
    int SchemaVersion,
    string Model,
    string Targets,
    int Images,
    int FailedImages,
    IReadOnlyList<string> Methods,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Metrics,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Robustness,
    IReadOnlyList<ImageError> Errors,
    GateVerdict Gates,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, Interval>>? Comparison = null,
    IReadOnlyList<ShardFailure>? FailedShards = null);

/// <summary>A mean with its 95 % bootstrap interval (1000 resamples, seeded from the job).</summary>
public sealed record Interval(double Mean, double Low, double High);

public sealed record ImageError(string Image, string Error);

public sealed record GateVerdict(bool Passed, IReadOnlyList<string> Failures);

/// <summary>One row of <c>images.csv</c> per image × method with its prediction and every metric.</summary>
public static class ImagesCsv
{
    public static string Build(IReadOnlyList<ImageRecord> records)
    {
        var metricNames = records.SelectMany(r => r.Explanations).SelectMany(e => e.Metrics?.Keys ?? []).Where(k => !k.Contains('@')).Distinct().Order(StringComparer.Ordinal).ToList();
        var sb = new System.Text.StringBuilder();
        sb.AppendLine(string.Join(',', new[] { "image", "method", "predicted", "probability", "target", "error" }.Concat(metricNames)));
        foreach (var r in records)
        {
            if (r.Error is not null)
            {
                sb.AppendLine(string.Join(',', new[] { Quote(r.Image), "", "", "", "", Quote(r.Error) }.Concat(metricNames.Select(_ => ""))));
                continue;
            }
            foreach (var e in r.Explanations)
                sb.AppendLine(string.Join(',', new[] { Quote(r.Image), e.Method, Quote(r.Prediction!.Name), F(r.Prediction.Probability), Quote(e.Target.Name), "" }
                    .Concat(metricNames.Select(m => e.Metrics is not null && e.Metrics.TryGetValue(m, out var v) ? F(v) : ""))));
        }
        return sb.ToString();
    }

    static string F(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    static string Quote(string s) => s.Contains(',') || s.Contains('"') || s.Contains('\n') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
