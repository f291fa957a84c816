namespace XaiVision.Engine.Reports;

/// <summary>Percentile bootstrap of a mean (Efron 1979): 95 % interval from seeded resamples, so the same data give the same interval.</summary>
public static class Bootstrap
{
    public static Interval Mean(double[] values, long seed, int resamples = 1000)
    {
        if (values.Length == 0) return new Interval(double.NaN, double.NaN, double.NaN);
        var random = new Random(unchecked((int)seed * 31 + values.Length));
        var means = new double[resamples];
        for (int r = 0; r < resamples; r++)
        {
            double sum = 0;
            for (int i = 0; i < values.Length; i++) sum += values[random.Next(values.Length)];
            means[r] = sum / values.Length;
        }
        Array.Sort(means);
        return new Interval(values.Average(), means[(int)(0.025 * (resamples - 1))], means[(int)Math.Ceiling(0.975 * (resamples - 1))]);
    }
}
