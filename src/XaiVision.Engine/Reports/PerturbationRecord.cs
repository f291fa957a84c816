using XaiVision.Engine.Suites;

namespace XaiVision.Engine.Reports;

/// <summary>
/// The same method on a perturbed image: the new prediction, the explained class's probability before
/// and after, whether the top-1 class flipped, and how alike the maps are in the original frame.
/// </summary>
public sealed record PerturbationRecord(
    string Perturbation,
    IReadOnlyDictionary<string, string> Parameters,
    ClassScore PredictionAfter,
    float TargetProbabilityBefore,
    float TargetProbabilityAfter,
    float ConfidenceChange,
    bool Flipped,
    double Spearman,
    double Ssim,
    double TopIou,
    string? Overlay,
    string? Raw);
