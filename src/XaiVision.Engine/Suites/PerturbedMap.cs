using XaiVision.Engine.Imaging;

namespace XaiVision.Engine.Suites;

/// <summary>An explanation of one perturbed image, compared in the original frame with the unperturbed one.</summary>
public sealed record PerturbedMap(
    string Perturbation,
    IReadOnlyDictionary<string, string> Parameters,
    RgbImage View,
    float[] Map,
    ClassScore PredictionAfter,
    float TargetProbabilityBefore,
    float TargetProbabilityAfter,
    bool Flipped,
    double Spearman,
    double Ssim,
    double TopIou);
