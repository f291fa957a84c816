namespace XaiVision.Engine.Reports;

/// <summary>Checks gate rules against a report's per-method figures.</summary>
public static class Gates
{
    /// <summary>The job-level gate figure: the share of images that could not be explained (any method).</summary>
    public const string FailedImagesFigure = "failed-images";

    public static GateVerdict Evaluate(IReadOnlyList<GateRule> gates, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> metrics, double failedShare = 0)
    {
        var failures = new List<string>();
        foreach (var gate in gates)
        {
            if (gate.Metric == FailedImagesFigure)
            {
                Check(FailedImagesFigure, failedShare, gate, failures);
                continue;
            }
            foreach (var method in gate.Method is null ? metrics.Keys.ToList() : [gate.Method])
            {
                if (!metrics.TryGetValue(method, out var values) || !values.TryGetValue(gate.Metric, out var value))
                    failures.Add($"{gate.Metric} of {method}: no such figure in the report");
                else
                    Check($"{gate.Metric} of {method}", value, gate, failures);
            }
        }
        return new GateVerdict(failures.Count == 0, failures);
    }

    /// <summary>A shard that failed as a whole leaves the audit incomplete: that fails the gates, whatever the figures say.</summary>
    public static GateVerdict WithShardFailures(GateVerdict verdict, IReadOnlyList<ShardFailure> failedShards) => failedShards.Count == 0 ? verdict
        : new GateVerdict(false, [.. verdict.Failures, .. failedShards.Select(f => $"shard {f.Shard + 1} failed ({f.Images} images not audited): {f.Reason}")]);

    static void Check(string figure, double value, GateRule gate, List<string> failures)
    {
        if (gate.Min is { } min && value < min) failures.Add($"{figure} = {value:F4} is below the minimum {min}");
        if (gate.Max is { } max && value > max) failures.Add($"{figure} = {value:F4} is above the maximum {max}");
    }
}
