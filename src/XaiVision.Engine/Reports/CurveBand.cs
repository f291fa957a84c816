namespace XaiVision.Engine.Reports;

/// <summary>
/// One method's curves of one metric, as drawn: the mean at each point over every image, and the p10–p90 band over a seeded
/// sample of the curves; the points every curve has.
/// </summary>
public sealed record CurveBand(long Images, IReadOnlyList<double> Mean, IReadOnlyList<double> P10, IReadOnlyList<double> P90)
{
    internal static CurveBand Of(ReportAccumulator.CurveSample sample)
    {
        var columns = Enumerable.Range(0, sample.Sums.Length).Select(i => sample.Kept.Select(c => c[i]).Order().ToList()).ToList();
        return new CurveBand(sample.Count, sample.Sums.Select(sum => sum / sample.Count).ToList(),
            columns.Select(c => ValueSample.NearestRank(c, 0.1)).ToList(), columns.Select(c => ValueSample.NearestRank(c, 0.9)).ToList());
    }
}
