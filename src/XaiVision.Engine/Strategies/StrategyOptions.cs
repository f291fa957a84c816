using XaiVision.Engine.Explainers;

namespace XaiVision.Engine.Strategies;

/// <summary>
/// How strategy analysis runs, from the job spec's <c>analysis</c> entry <c>strategies(size=32,min-images=20,clusters=8,neighbours=0,maps=2000)</c>:
/// thumbnail size S, the fewest images a class needs, the most clusters the eigengap may choose, k of the neighbour graph (0: √n, 10–50),
/// and the most maps per (method, class) clustered — a seeded uniform sample above it (dense eigendecomposition is O(n³)).
/// <see cref="MemoryBytes"/> bounds all groups' samples together: when they would exceed it, every group's sample shrinks alike.
/// </summary>
public sealed record StrategyOptions(int Size = MapThumbnail.DefaultSize, int MinImages = 20, int MaxClusters = 8, int Neighbours = 0, int MaxMaps = 2000)
{
    public const string Name = "strategies";
    public long MemoryBytes { get; init; } = 256L << 20;

    /// <summary>Bytes one sampled map holds: S² halves, S² mask bytes, and the record's names (≈ 200 bytes).</summary>
    public long BytesPerMap => 3L * Size * Size + 200;

    public static StrategyOptions Parse(string text)
    {
        var spec = MethodSpec.Parse(text);
        if (spec.Name != Name) throw new XaiVisionException($"Unknown analysis '{spec.Name}'. Known: {Name}, meta-evaluation.");
        var options = new StrategyOptions(
            spec.Int("size", MapThumbnail.DefaultSize, 4, 128),
            spec.Int("min-images", 20, 3, 1_000_000),
            spec.Int("clusters", 8, 1, 32),
            spec.Int("neighbours", 0, 0, 500),
            spec.Int("maps", 2000, 20, 10_000));
        spec.EnsureAllUsed();
        return options;
    }

}
