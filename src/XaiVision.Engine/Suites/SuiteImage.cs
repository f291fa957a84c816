using XaiVision.Engine.Imaging;

namespace XaiVision.Engine.Suites;

/// <summary>One image: what the model saw, its top-5, every map, and with the layer sweep its maps at every layer; its object mask, if given.</summary>
public sealed record SuiteImage(RgbImage View, IReadOnlyList<ClassScore> Top5, IReadOnlyList<SuiteMap> Maps, IReadOnlyList<SweepMap>? Sweep = null,
    bool[]? Mask = null);
