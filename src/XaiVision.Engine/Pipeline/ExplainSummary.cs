namespace XaiVision.Engine.Pipeline;

/// <summary>A class with its pre-softmax logit and softmax probability.</summary>
public sealed record ClassScore(long Index, string Name, float Logit, float Probability);

/// <summary>One map: which method, for which class, where it was written and how it was scaled.</summary>
public sealed record ExplanationRecord(
    string Method,
    IReadOnlyDictionary<string, string> Parameters,
    ClassScore Target,
    string? Overlay,
    string? Raw,
    string Scaling,
    float MapMin,
    float MapMax,
    float MapSum,
    double MillisecondsPerImage,
    IReadOnlyDictionary<string, double>? Metrics = null,
    IReadOnlyList<PerturbationRecord>? Perturbations = null,
    ComparisonRecord? Comparison = null);

/// <summary>
/// The same method on the baseline model, for the same image and class: the baseline's prediction,
/// whether the top-1 class changed, how far attention drifted (Spearman, SSIM, top-10 % IoU, shift of
/// the positive relevance's centre of mass as a fraction of the image side) and metric deltas
/// (candidate − baseline).
/// </summary>
public sealed record ComparisonRecord(
    ClassScore BaselinePrediction,
    bool PredictionChanged,
    double Spearman,
    double Ssim,
    double TopIou,
    double CentreShift,
    IReadOnlyDictionary<string, double> MetricDeltas);

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

/// <summary>One image: prediction, top-5, maps — or the reason it could not be explained.</summary>
public sealed record ImageRecord(
    string Image,
    string Name,
    int? Width,
    int? Height,
    ClassScore? Prediction,
    IReadOnlyList<ClassScore> Top5,
    IReadOnlyList<ExplanationRecord> Explanations,
    string? Error);

/// <summary>Everything an explain run did, written as <c>summary.json</c>.</summary>
public sealed record ExplainSummary(
    string Model,
    string Device,
    string Target,
    int BatchSize,
    long Seed,
    IReadOnlyList<string> Methods,
    IReadOnlyList<ImageRecord> Images,
    IReadOnlyDictionary<string, double> MillisecondsPerImageByMethod,
    double TotalSeconds,
    IReadOnlyDictionary<string, double>? MillisecondsPerImageByStage = null)
{
    /// <summary>Per method and perturbation: mean flip rate, confidence change and map similarities.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> RobustnessByMethod =>
        Images.SelectMany(i => i.Explanations).Where(e => e.Perturbations is { Count: > 0 })
            .SelectMany(e => e.Perturbations!.Select(p => (Key: $"{e.Method} / {p.Perturbation}", p)))
            .GroupBy(x => x.Key).ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>
            {
                ["flip-rate"] = g.Average(x => x.p.Flipped ? 1.0 : 0.0),
                ["confidence-change"] = g.Average(x => (double)x.p.ConfidenceChange),
                ["spearman"] = g.Average(x => x.p.Spearman),
                ["ssim"] = g.Average(x => x.p.Ssim),
                ["top10-iou"] = g.Average(x => x.p.TopIou),
            });

    /// <summary>Per method, the mean of every metric over the images that have it.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> MetricMeansByMethod =>
        Images.SelectMany(i => i.Explanations).Where(e => e.Metrics is not null).GroupBy(e => e.Method).ToDictionary(
            g => g.Key,
            g => (IReadOnlyDictionary<string, double>)g.SelectMany(e => e.Metrics!).Where(kv => !kv.Key.Contains('@'))
                .GroupBy(kv => kv.Key).ToDictionary(k => k.Key, k => k.Average(kv => kv.Value)));

    public int Failed => Images.Count(i => i.Error is not null);
}
