using XaiVision.Engine.Metrics;
using XaiVision.Engine.Suites;

namespace XaiVision.Engine.Reports;

/// <summary>Candidate vs baseline for one image: per method, prediction change, attention drift and metric deltas.</summary>
public static class ModelComparison
{
    public static IReadOnlyList<ComparisonRecord> Compare(SuiteImage candidate, SuiteImage baseline)
    {
        if (candidate.Maps.Count != baseline.Maps.Count)
            throw new ArgumentException("Candidate and baseline ran different suites.");
        int width = candidate.View.Width;
        bool changed = candidate.Top5[0].Index != baseline.Top5[0].Index;
        return candidate.Maps.Zip(baseline.Maps, (c, b) => new ComparisonRecord(
            baseline.Top5[0], changed,
            MapSimilarity.Spearman(c.Map, b.Map), MapSimilarity.Ssim(c.Map, b.Map, width), MapSimilarity.TopIou(c.Map, b.Map),
            CentreShift(c.Map, b.Map, width),
            c.Metrics.Where(kv => b.Metrics.ContainsKey(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value - b.Metrics[kv.Key]))).ToList();
    }

    /// <summary>Distance between the centres of mass of positive relevance, as a fraction of the image side.</summary>
    public static double CentreShift(float[] a, float[] b, int width)
    {
        var (ax, ay) = Centre(a, width);
        var (bx, by) = Centre(b, width);
        return Math.Sqrt((ax - bx) * (ax - bx) + (ay - by) * (ay - by)) / width;
    }

    static (double X, double Y) Centre(float[] map, int width)
    {
        double sum = 0, x = 0, y = 0;
        for (int i = 0; i < map.Length; i++)
        {
            if (map[i] <= 0) continue;
            sum += map[i];
            x += map[i] * (i % width);
            y += map[i] * (i / width);
        }
        int height = map.Length / width;
        return sum > 0 ? (x / sum, y / sum) : ((width - 1) / 2.0, (height - 1) / 2.0);
    }
}
