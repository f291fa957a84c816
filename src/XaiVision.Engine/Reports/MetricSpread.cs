namespace XaiVision.Engine.Reports;

/// <summary>One method's values of one metric over the images: mean, median and the p10–p90 band (nearest rank over the kept sample).</summary>
public sealed record MetricSpread(double Mean, double Median, double P10, double P90)
{
    internal static MetricSpread? Of(ValueSample sample)
    {
        var sorted = sample.Sorted();
        return sorted.Count == 0 ? null
            : new MetricSpread(sample.Mean, ValueSample.NearestRank(sorted, 0.5), ValueSample.NearestRank(sorted, 0.1), ValueSample.NearestRank(sorted, 0.9));
    }
}
