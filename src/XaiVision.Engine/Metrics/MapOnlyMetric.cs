using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// A metric read off the map alone (and the ground-truth mask, for localisation): no forward pass, so it costs microseconds per map.
/// The map is prepared as Quantus prepares attributions — divided by its largest magnitude (<c>normalise_by_max</c>), then made
/// absolute where the metric asks (<c>abs</c>) — per image: Quantus divides by the largest magnitude of the whole batch it is given,
/// which makes one image's score depend on the others in its batch; one image per batch is the reading both share.
/// One output, named as the metric. A subclass says how to score one prepared map.
/// </summary>
public abstract class MapOnlyMetric(bool absolute) : IMetric
{
    public abstract string Name { get; }
    public abstract MetricCategory Category { get; }
    public abstract string Definition { get; }
    public abstract MetricDirection Direction { get; }
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = Direction };

    /// <summary>The score of one prepared map (row-major, <paramref name="width"/> wide) with its mask (null where none); null: no score.</summary>
    protected abstract double? Score(double[] map, bool[]? mask, int width);

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        long n = c.Maps.shape[0];
        int width = (int)c.Maps.shape[2];
        using var scope = NewDisposeScope(); // the copies and every row read below
        var maps = c.Maps.to(ScalarType.Float32).cpu().reshape(n, -1);
        return Enumerable.Range(0, (int)n).Select(i =>
        {
            var mask = c.Masks.Count > i ? c.Masks[i] : null;
            if (Category == MetricCategory.Localisation && (mask is null || !mask.Contains(true))) return MetricResult.Empty;
            var score = Score(Prepare(maps[i].data<float>().ToArray(), absolute), mask, width);
            return score is { } s && double.IsFinite(s) ? new Dictionary<string, double> { [Name] = s } : MetricResult.Empty;
        }).ToList();
    }

    /// <summary>Quantus's preprocessing: a / max|a| (an all-zero map stays zero), then |·| where asked.</summary>
    public static double[] Prepare(float[] map, bool absolute)
    {
        double max = 0;
        foreach (var v in map) max = Math.Max(max, Math.Abs((double)v));
        var prepared = new double[map.Length];
        for (int i = 0; i < map.Length; i++)
        {
            double v = max > 0 ? map[i] / max : map[i];
            prepared[i] = absolute ? Math.Abs(v) : v;
        }
        return prepared;
    }
}
