using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>The <see cref="Localisation"/> scores as a suite metric; images without a mask get none.</summary>
public sealed class LocalisationMetric(int tolerance) : IMetric
{
    public string Name => "localisation";
    public MetricCategory Category => MetricCategory.Localisation;
    public string Definition => "Whether the peak lies on the object, and how much of the relevance does (pointing game, mass, rank, outside fraction).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => Localisation.Directions;

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        long n = c.Maps.shape[0];
        int width = (int)c.Maps.shape[2];
        using var scope = NewDisposeScope(); // the copies and every row read below
        var maps = c.Maps.to(ScalarType.Float32).cpu().reshape(n, -1);
        return Enumerable.Range(0, (int)n).Select(i =>
        {
            if (c.Masks.Count <= i || c.Masks[i] is not { } mask) return (MetricResult)new Dictionary<string, double>();
            var s = Localisation.Score(maps[i].data<float>().ToArray(), mask, width, tolerance);
            return new Dictionary<string, double>
            {
                ["pointing-game"] = s.PointingHit ? 1 : 0,
                ["relevance-mass"] = s.RelevanceMass,
                ["relevance-rank"] = s.RelevanceRank,
                ["outside-fraction"] = s.OutsideFraction,
            };
        }).ToList();
    }
}
