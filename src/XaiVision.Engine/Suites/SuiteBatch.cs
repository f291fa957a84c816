namespace XaiVision.Engine.Suites;

/// <summary>A batch's images and how long each stage took (milliseconds, whole batch).</summary>
public sealed record SuiteBatch(IReadOnlyList<SuiteImage> Images, IReadOnlyDictionary<string, double> StageMilliseconds);
