namespace XaiVision.Engine.Metrics;

/// <summary>One image's result of a metric: its named summary values (see <see cref="IMetric.Outputs"/>) and its named curves.</summary>
public sealed record MetricResult(IReadOnlyDictionary<string, double> Values, IReadOnlyDictionary<string, MetricCurve> Curves)
{
    public static MetricResult Empty { get; } = new(new Dictionary<string, double>(), new Dictionary<string, MetricCurve>());

    public static implicit operator MetricResult(Dictionary<string, double> values) => new(values, new Dictionary<string, MetricCurve>());
}
