namespace XaiVision.Engine.Strategies;

/// <summary>
/// Agreement of two partitions corrected for chance (Hubert &amp; Arabie 1985): ARI = (Σ C(n_ij,2) − E) / (½(Σ C(a_i,2) + Σ C(b_j,2)) − E),
/// E = Σ C(a_i,2) Σ C(b_j,2) / C(n,2), over the contingency table n_ij. 1 = the same partition (labels may differ), ≈ 0 = chance.
/// </summary>
public static class AdjustedRandIndex
{
    public static double Of<TA, TB>(IReadOnlyList<TA> a, IReadOnlyList<TB> b) where TA : notnull where TB : notnull
    {
        if (a.Count != b.Count) throw new ArgumentException("The partitions label different numbers of items.");
        static double Pairs(long n) => n * (n - 1) / 2.0;
        var table = a.Zip(b).GroupBy(p => p).Sum(g => Pairs(g.Count()));
        double rows = a.GroupBy(x => x).Sum(g => Pairs(g.Count())), columns = b.GroupBy(x => x).Sum(g => Pairs(g.Count()));
        double expected = a.Count < 2 ? 0 : rows * columns / Pairs(a.Count);
        double maximum = (rows + columns) / 2;
        return maximum - expected == 0 ? 1 : (table - expected) / (maximum - expected);
    }
}
