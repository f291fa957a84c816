using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;

namespace XaiVision.Engine.Pipeline;

/// <summary>
/// How an explain run runs: methods, targets, batching, seed, which artefacts to write, and which
/// metrics to compute (<see cref="MetricNames"/>; localisation needs <paramref name="MaskFor"/>, image path → mask path).
/// </summary>
public sealed record ExplainOptions(
    IReadOnlyList<IExplainer> Explainers,
    TargetSelection Target,
    int BatchSize = 8,
    long Seed = 0,
    bool WriteOverlays = true,
    bool WriteRawMaps = true,
    DecodeLimits? Limits = null,
    IReadOnlyList<string>? Metrics = null,
    Func<string, string?>? MaskFor = null,
    int MetricSteps = 28);

public static class MetricNames
{
    public const string Deletion = "deletion";
    public const string Insertion = "insertion";
    public const string Localisation = "localisation";
    public static readonly IReadOnlyList<string> All = [Deletion, Insertion, Localisation];

    public static IReadOnlyList<string> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => n.ToLowerInvariant()).ToList();
        var unknown = names.Where(n => !All.Contains(n)).ToList();
        if (unknown.Count > 0) throw new XaiVisionException($"Unknown metric {string.Join(", ", unknown.Select(u => $"'{u}'"))}. Known: {string.Join(", ", All)}.");
        return names.Distinct().ToList();
    }
}
