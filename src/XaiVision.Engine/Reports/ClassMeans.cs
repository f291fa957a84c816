namespace XaiVision.Engine.Reports;

/// <summary>One explained class and method: how many maps, and each metric's mean over them.</summary>
public sealed record ClassMeans(string Class, string Method, int Rows, IReadOnlyDictionary<string, double> Means);
