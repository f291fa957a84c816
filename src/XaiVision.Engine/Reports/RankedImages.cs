namespace XaiVision.Engine.Reports;

/// <summary>
/// The best and the worst images of the shown method by one metric (<see cref="ReportSelection.Confidence"/>: by the model's
/// confidence), best by the metric's declared direction.
/// </summary>
public sealed record RankedImages(string Metric, IReadOnlyList<ImageRecord> Best, IReadOnlyList<ImageRecord> Worst)
{
    internal static RankedImages Of(string metric, Extremes<ImageRecord> extremes) => new(metric, extremes.Best.ToList(), extremes.Worst.ToList());
}
