namespace XaiVision.Contracts;

/// <summary>A threshold on a report figure: the mean of <c>Metric</c> for <c>Method</c> (all methods when empty) must lie in [Min, Max].</summary>
public sealed record Gate
{
    public string Metric { get; init; } = "";
    public string? Method { get; init; }
    public double? Min { get; init; }
    public double? Max { get; init; }
}
