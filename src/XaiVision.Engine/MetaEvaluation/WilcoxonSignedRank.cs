namespace XaiVision.Engine.MetaEvaluation;

/// <summary>
/// The Wilcoxon signed-rank test of paired samples (two-sided; MetaQuantus calls SciPy's with <c>zero_method="zsplit"</c>): ranks of
/// |differences| (ties averaged), zero differences split evenly between the two signs, the statistic compared with its normal
/// approximation (mean n(n+1)/4, variance n(n+1)(2n+1)/24 less the tie correction). SciPy switches to the exact distribution below
/// 50 pairs without zeros or ties; the normal approximation is within a few hundredths of it there, which is as fine as a p-value
/// averaged into a meta-consistency score needs.
/// </summary>
public static class WilcoxonSignedRank
{
    /// <returns>the p-value; 1 where every difference is zero; NaN with no pairs.</returns>
    public static double PValue(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var d = a.Zip(b, (x, y) => x - y).ToArray();
        int n = d.Length;
        if (n == 0) return double.NaN;
        var order = Enumerable.Range(0, n).OrderBy(i => Math.Abs(d[i])).ToArray();
        var ranks = new double[n];
        double tieTerm = 0;
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && Math.Abs(d[order[end + 1]]) == Math.Abs(d[order[start]])) end++;
            int t = end - start + 1;
            tieTerm += t * (t * (double)t - 1);
            for (int k = start; k <= end; k++) ranks[order[k]] = (start + end) / 2.0 + 1;
            start = end + 1;
        }
        double positive = 0;
        for (int i = 0; i < n; i++) positive += d[i] > 0 ? ranks[i] : d[i] == 0 ? ranks[i] / 2 : 0;
        double mean = n * (n + 1) / 4.0, variance = n * (n + 1) * (2 * n + 1) / 24.0 - tieTerm / 48.0;
        if (variance <= 0 || positive == mean) return 1;
        double z = (positive - mean) / Math.Sqrt(variance);
        return Math.Min(1, 2 * NormalUpperTail(Math.Abs(z)));
    }

    /// <summary>P(Z &gt; z) for a standard normal Z (Abramowitz &amp; Stegun 7.1.26 via erfc; error below 1.5e-7).</summary>
    static double NormalUpperTail(double z)
    {
        double x = z / Math.Sqrt(2), t = 1 / (1 + 0.3275911 * x);
        double erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.Exp(-x * x);
        return erfc / 2;
    }
}
