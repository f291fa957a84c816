using XaiVision.Engine.Imaging;
using XaiVision.Engine.Pipeline;

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

/// <summary>One (image, explainer, target) map with its metric values and perturbation results.</summary>
public sealed record SuiteMap(string Method, IReadOnlyDictionary<string, string> Parameters, ClassScore Target, float[] Map,
    IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<PerturbedMap> Perturbed, int TargetRank, int TargetCount);

/// <summary>One image: what the model saw, its top-5, and every map.</summary>
public sealed record SuiteImage(RgbImage View, IReadOnlyList<ClassScore> Top5, IReadOnlyList<SuiteMap> Maps);

/// <summary>A batch's images and how long each stage took (milliseconds, whole batch).</summary>
public sealed record SuiteBatch(IReadOnlyList<SuiteImage> Images, IReadOnlyDictionary<string, double> StageMilliseconds);
