namespace XaiVision.Engine.Metrics;

/// <summary>Whether a larger value of a metric means a better explanation.</summary>
public enum MetricDirection { HigherIsBetter, LowerIsBetter }
