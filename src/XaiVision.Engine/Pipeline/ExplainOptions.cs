using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;

namespace XaiVision.Engine.Pipeline;

/// <summary>How an explain run runs: methods, targets, batching, seed and which artefacts to write.</summary>
public sealed record ExplainOptions(
    IReadOnlyList<IExplainer> Explainers,
    TargetSelection Target,
    int BatchSize = 8,
    long Seed = 0,
    bool WriteOverlays = true,
    bool WriteRawMaps = true,
    DecodeLimits? Limits = null);
