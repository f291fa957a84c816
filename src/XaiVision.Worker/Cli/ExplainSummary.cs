using XaiVision.Engine.Reports;

namespace XaiVision.Worker.Cli;

/// <summary>Everything an <c>explain</c> run did, written as <c>summary.json</c>: the run, every image's record, means and timings.</summary>
public sealed record ExplainSummary(
    string Model,
    string Device,
    string Target,
    int BatchSize,
    long Seed,
    IReadOnlyList<string> Methods,
    IReadOnlyList<ImageRecord> Images,
    IReadOnlyDictionary<string, double> MillisecondsPerImageByMethod,
    double TotalSeconds,
    IReadOnlyDictionary<string, double>? MillisecondsPerImageByStage = null)
{
    /// <summary>Per method and perturbation: mean flip rate, confidence change and map similarities.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> RobustnessByMethod => ReportBuilder.Robustness(Images);

    /// <summary>Per method, the mean of every metric over the images that have it.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> MetricMeansByMethod => ReportBuilder.MetricMeans(Images);

    public int Failed => Images.Count(i => i.Error is not null);
}
