using XaiVision.Engine.Imaging;

namespace XaiVision.Engine.Suites;

/// <summary>One image: what the model saw, its top-5, and every map.</summary>
public sealed record SuiteImage(RgbImage View, IReadOnlyList<ClassScore> Top5, IReadOnlyList<SuiteMap> Maps);
