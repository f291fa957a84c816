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
    IReadOnlyDictionary<string, double>? MillisecondsPerImageByStage,
    // Per method and perturbation: mean flip rate, confidence change and map similarities (the report's, over the images).
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> RobustnessByMethod,
    // Per method, the mean of every metric over the images that have it (the report's, without comparison figures).
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> MetricMeansByMethod)
{
    public int Failed => Images.Count(i => i.Error is not null);
}
