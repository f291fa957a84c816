namespace XaiVision.Engine.Strategies;

/// <summary>
/// <c>report.json</c>'s <c>strategies</c>: per (method, class) with enough images, the strategy clusters SpRAy found. The pictures' data
/// (mean maps, the embedding's points, the atlas) are in <c>strategies.json</c> (<see cref="StrategyGroup"/>), so the report stays small.
/// Against a stored baseline run, <see cref="Changes"/>: per group, the strategies kept, new and vanished.
/// </summary>
public sealed record StrategyReport(int MapSize, int MinImages, IReadOnlyList<StrategySummary> Groups,
    IReadOnlyList<StrategyComparison.Change>? Changes = null);

/// <summary>One (method, class): how many of its images were clustered, the spectrum, and its clusters.</summary>
public sealed record StrategySummary(
    string Method,
    string Class,
    int Images,
    int Analysed,
    int Neighbours,
    IReadOnlyList<double> Eigenvalues,
    IReadOnlyList<StrategyCluster> Clusters,
    RelevanceLayout Atlas);

/// <summary>
/// One strategy: its members (count, share of the analysed maps), where its mean relevance sits, whether it is flagged as
/// off-object and why, and its most typical images (closest to its mean map).
/// </summary>
public sealed record StrategyCluster(int Id, int Size, double Share, RelevanceLayout Layout, bool Flagged, string? Reason, IReadOnlyList<string> Examples,
    IReadOnlyList<ClusterConcept>? Concepts = null);

/// <summary>
/// A concept (channel) of a strategy cluster of a concept method: its mean share of the relevance over the cluster's analysed maps, how
/// consistently it is among a map's three most relevant, and (masked images) the mean share of its relevance on the object.
/// </summary>
public sealed record ClusterConcept(int Channel, double MeanShare, double Consistency, double? OnObject);

/// <summary>
/// <c>strategies.json</c>, one per group: its summary and what the pictures are drawn from — each cluster's mean map and the class
/// atlas (mean and standard deviation of the normalised maps), S×S row-major; every analysed image's cluster, spectral coordinates
/// and centre of mass.
/// </summary>
public sealed record StrategyGroup(
    StrategySummary Summary,
    int MapSize,
    IReadOnlyList<float[]> MeanMaps,
    float[] AtlasMean,
    float[] AtlasSpread,
    IReadOnlyList<StrategyPoint> Points);

/// <summary>An analysed image: its record name, cluster, spectral coordinates (x, y) and centre of mass (cx, cy in [0, 1]).</summary>
public sealed record StrategyPoint(string Image, int Cluster, double X, double Y, double Cx, double Cy);
