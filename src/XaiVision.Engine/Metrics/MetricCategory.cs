namespace XaiVision.Engine.Metrics;

/// <summary>Quantus's families of explanation quality; a metric declares one (report.json writes it as a word: "faithfulness").</summary>
public enum MetricCategory { Faithfulness, Robustness, Randomisation, Localisation, Complexity, Axiomatic }
