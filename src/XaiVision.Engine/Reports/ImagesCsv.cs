namespace XaiVision.Engine.Reports;

/// <summary>One row of <c>images.csv</c> per image × method with its prediction and every metric; written a record at a time.</summary>
public static class ImagesCsv
{
    /// <summary>The header; with <paramref name="archive"/> (the archive layout) a last column names each image's shard archive.</summary>
    public static string Header(IReadOnlyList<string> metricNames, bool archive = false) =>
        string.Join(',', new[] { "image", "method", "predicted", "probability", "target", "error" }.Concat(metricNames).Concat(archive ? ["archive"] : []));

    /// <summary>The record's rows (no line ends): one per explanation, or one with the error, or one with the prediction only (no target).</summary>
    public static IEnumerable<string> Rows(ImageRecord r, IReadOnlyList<string> metricNames, bool archive = false)
    {
        string[] last = archive ? [r.Archive ?? ""] : [];
        if (r.Error is not null)
        {
            yield return string.Join(',', new[] { Quote(r.Image), "", "", "", "", Quote(r.Error) }.Concat(metricNames.Select(_ => "")).Concat(last));
            yield break;
        }
        foreach (var e in ImageBrowser.ExplanationsOrNone(r))
            yield return string.Join(',', new[] { Quote(r.Image), e?.Method ?? "", Quote(r.Prediction!.Name), F(r.Prediction.Probability), e is null ? "" : Quote(e.Target.Name), "" }
                .Concat(metricNames.Select(m => e?.Metrics is not null && e.Metrics.TryGetValue(m, out var v) ? F(v) : "")).Concat(last));
    }

    /// <summary><c>errors.csv</c>: every image that failed, with its full message.</summary>
    public const string ErrorsHeader = "image,error";

    public static string ErrorRow(ImageRecord r) => $"{Quote(r.Image)},{Quote(r.Error ?? "")}";

    static string F(double v) => Invariant.Number(v, "R");

    static string Quote(string s) => s.Contains(',') || s.Contains('"') || s.Contains('\n') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
