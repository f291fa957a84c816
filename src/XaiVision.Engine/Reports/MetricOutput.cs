using XaiVision.Engine.Metrics;

namespace XaiVision.Engine.Reports;

/// <summary>What one metric output is: the metric that produced it, its category, which way is better and what the metric measures.</summary>
public sealed record MetricOutput(string Metric, MetricCategory Category, MetricDirection Direction, string Definition = "")
{
    /// <summary>Every output and curve of <paramref name="metrics"/>, by output name.</summary>
    public static (IReadOnlyDictionary<string, MetricOutput> Outputs, IReadOnlyDictionary<string, CurveAxis> Curves) Of(IEnumerable<IMetric> metrics)
    {
        var outputs = new SortedDictionary<string, MetricOutput>(StringComparer.Ordinal);
        var curves = new SortedDictionary<string, CurveAxis>(StringComparer.Ordinal);
        foreach (var metric in metrics)
        {
            foreach (var (name, direction) in metric.Outputs) outputs[name] = new MetricOutput(metric.Name, metric.Category, direction, metric.Definition);
            foreach (var (name, axis) in metric.Curves) curves[name] = axis;
        }
        return (outputs, curves);
    }
}
