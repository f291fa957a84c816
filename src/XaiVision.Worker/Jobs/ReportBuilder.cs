using XaiVision.Contracts;
using XaiVision.Engine.Pipeline;

namespace XaiVision.Worker.Jobs;

/// <summary>Aggregates the shard records of a job into the report and checks the gates.</summary>
public static class ReportBuilder
{
    public static JobReport Build(AuditJobSpec spec, IReadOnlyList<ImageRecord> records)
    {
        var summary = new ExplainSummary(spec.Model.Architecture, "", spec.Targets, 0, spec.Suite.Seed, spec.Suite.Explainers, records,
            new Dictionary<string, double>(), 0);
        var metrics = summary.MetricMeansByMethod;
        return new JobReport(1, spec.Model.Architecture + (spec.Model.Weights is null ? "" : $" ({spec.Model.Weights})"), spec.Targets,
            records.Count, summary.Failed, records.SelectMany(r => r.Explanations).Select(e => e.Method).Distinct().ToList(),
            metrics, summary.RobustnessByMethod,
            records.Where(r => r.Error is not null).Select(r => new ImageError(r.Image, r.Error!)).ToList(),
            Evaluate(spec.Gates, metrics));
    }

    public static GateVerdict Evaluate(IReadOnlyList<Gate> gates, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> metrics)
    {
        var failures = new List<string>();
        foreach (var gate in gates)
        {
            var methods = gate.Method is null ? metrics.Keys.ToList() : [gate.Method];
            foreach (var method in methods)
            {
                if (!metrics.TryGetValue(method, out var values) || !values.TryGetValue(gate.Metric, out var value))
                {
                    failures.Add($"{gate.Metric} of {method}: no such figure in the report");
                    continue;
                }
                if (gate.Min is { } min && value < min) failures.Add($"{gate.Metric} of {method} = {value:F4} is below the minimum {min}");
                if (gate.Max is { } max && value > max) failures.Add($"{gate.Metric} of {method} = {value:F4} is above the maximum {max}");
            }
        }
        return new GateVerdict(failures.Count == 0, failures);
    }
}
