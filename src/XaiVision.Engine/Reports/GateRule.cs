namespace XaiVision.Engine.Reports;

/// <summary>
/// A pass/fail rule on a report figure: <paramref name="Metric"/> (a metric output, a comparison figure, or
/// <see cref="Gates.FailedImagesFigure"/>) of <paramref name="Method"/> (every method when null) within [Min, Max].
/// </summary>
public sealed record GateRule(string Metric, string? Method, double? Min, double? Max);
