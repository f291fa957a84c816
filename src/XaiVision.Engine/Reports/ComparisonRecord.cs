using XaiVision.Engine.Suites;

namespace XaiVision.Engine.Reports;

/// <summary>
/// The same method on the baseline model, for the same image and class: the baseline's prediction,
/// whether the top-1 class changed, how far attention drifted (Spearman, SSIM, top-10 % IoU, shift of
/// the positive relevance's centre of mass as a fraction of the image side) and metric deltas
/// (candidate − baseline); with pictures, the baseline's map and the difference of the two (each map divided by its largest
/// |value| first, so models of different scale compare).
/// </summary>
public sealed record ComparisonRecord(
    ClassScore BaselinePrediction,
    bool PredictionChanged,
    double Spearman,
    double Ssim,
    double TopIou,
    double CentreShift,
    IReadOnlyDictionary<string, double> MetricDeltas,
    HeatmapFile? BaselineHeatmap = null,
    HeatmapFile? DifferenceHeatmap = null);
