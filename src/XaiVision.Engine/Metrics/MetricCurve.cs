namespace XaiVision.Engine.Metrics;

/// <summary>A curve of one image: values at evenly spaced steps from 0 to 1, or at named <paramref name="Stages"/>.</summary>
public sealed record MetricCurve(IReadOnlyList<double> Points, IReadOnlyList<string>? Stages = null);

/// <summary>How a report draws a metric's curve: its caption and the range of its values.</summary>
public sealed record CurveAxis(string Caption, double Min, double Max);
