namespace XaiVision.Engine.Reports;

/// <summary>One row of <c>images.csv</c> per image × method with its prediction and every metric.</summary>
public static class ImagesCsv
{
    public static string Build(IReadOnlyList<ImageRecord> records)
    {
        var metricNames = records.SelectMany(r => r.Explanations).SelectMany(e => e.Metrics?.Keys ?? []).Distinct().Order(StringComparer.Ordinal).ToList();
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
