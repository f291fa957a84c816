using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Perturbations;

namespace XaiVision.Engine.Pipeline;

/// <summary>
/// How an explain run runs: methods, targets, batching, seed, which artefacts to write, which
/// perturbations and metrics to run, and where each image's ground-truth mask is (image path → mask path).
/// </summary>
public sealed record ExplainOptions(
    IReadOnlyList<IExplainer> Explainers,
    TargetSelection Target,
    int BatchSize = 8,
    long Seed = 0,
    bool WriteOverlays = true,
    bool WriteRawMaps = true,
    DecodeLimits? Limits = null,
    IReadOnlyList<IMetric>? Metrics = null,
    Func<string, string?>? MaskFor = null,
    IReadOnlyList<IPerturbation>? Perturbations = null);
