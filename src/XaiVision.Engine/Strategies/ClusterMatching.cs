namespace XaiVision.Engine.Strategies;

/// <summary>
/// Which strategy of one run is which of another: clusters are compared by the cosine similarity of their mean maps, and matched
/// greedily, most similar pair first, each cluster at most once, while the similarity reaches <see cref="Threshold"/>. The rest are
/// new (only in the candidate) or vanished (only in the baseline). With a dozen clusters at most, greedy and optimal assignment agree
/// unless two pairs are nearly tied.
/// </summary>
public static class ClusterMatching
{
    public const double Threshold = 0.8;

    public sealed record Pair(int Baseline, int Candidate, double Similarity);
    public sealed record Result(IReadOnlyList<Pair> Matched, IReadOnlyList<int> Vanished, IReadOnlyList<int> New);

    public static Result Match(IReadOnlyList<float[]> baseline, IReadOnlyList<float[]> candidate, double threshold = Threshold)
    {
        var pairs = new List<Pair>();
        for (int b = 0; b < baseline.Count; b++)
            for (int c = 0; c < candidate.Count; c++)
                pairs.Add(new Pair(b, c, Cosine(baseline[b], candidate[c])));
        var matched = new List<Pair>();
        var usedB = new HashSet<int>();
        var usedC = new HashSet<int>();
        foreach (var pair in pairs.OrderByDescending(p => p.Similarity).ThenBy(p => p.Baseline).ThenBy(p => p.Candidate))
        {
            if (pair.Similarity < threshold) break;
            if (usedB.Contains(pair.Baseline) || usedC.Contains(pair.Candidate)) continue;
            matched.Add(pair);
            usedB.Add(pair.Baseline);
            usedC.Add(pair.Candidate);
        }
        return new Result(matched.OrderBy(p => p.Baseline).ToList(),
            Enumerable.Range(0, baseline.Count).Where(b => !usedB.Contains(b)).ToList(),
            Enumerable.Range(0, candidate.Count).Where(c => !usedC.Contains(c)).ToList());
    }

    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }
}
