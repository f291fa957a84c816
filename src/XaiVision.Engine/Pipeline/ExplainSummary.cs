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
    IReadOnlyDictionary<string, double>? Metrics = null);

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
    double TotalSeconds)
{
    /// <summary>Per method, the mean of every metric over the images that have it.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> MetricMeansByMethod =>
        Images.SelectMany(i => i.Explanations).Where(e => e.Metrics is not null).GroupBy(e => e.Method).ToDictionary(
            g => g.Key,
            g => (IReadOnlyDictionary<string, double>)g.SelectMany(e => e.Metrics!).GroupBy(kv => kv.Key).ToDictionary(k => k.Key, k => k.Average(kv => kv.Value)));

    public int Failed => Images.Count(i => i.Error is not null);
}
