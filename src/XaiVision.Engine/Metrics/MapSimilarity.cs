using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// How alike two maps of one image are (both H×W, compared over the valid pixels only):
/// Spearman rank correlation (ties get average ranks), SSIM (Wang et al. 2004: 11-tap Gaussian
/// window, σ = 1.5, K1 = 0.01, K2 = 0.03, on min–max scaled maps) and the IoU of the top-k% pixels.
/// </summary>
public static class MapSimilarity
{
    public static double Spearman(float[] a, float[] b, bool[]? valid = null)
    {
        var index = Enumerable.Range(0, a.Length).Where(i => valid?[i] ?? true).ToArray();
        if (index.Length < 2) return 0;
        return Pearson(Ranks(index.Select(i => a[i]).ToArray()), Ranks(index.Select(i => b[i]).ToArray()));
    }

    public static double Pearson(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? 0 : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Mean over the batch of the Pearson correlation between each map of <paramref name="a"/> and its row in <paramref name="b"/> ([N, …] each).</summary>
    public static double MeanPearson(Tensor a, Tensor b)
    {
        long n = a.shape[0];
        using var x = a.detach().to(ScalarType.Float64).reshape(n, -1).cpu();
        using var y = b.detach().to(ScalarType.Float64).reshape(n, -1).cpu();
        var (xs, ys) = (x.data<double>().ToArray(), y.data<double>().ToArray());
        int length = xs.Length / (int)n;
        return Enumerable.Range(0, (int)n).Average(i => Pearson(xs[(i * length)..((i + 1) * length)], ys[(i * length)..((i + 1) * length)]));
    }

    /// <summary>1-based ranks; tied values share the mean of their ranks.</summary>
    public static double[] Ranks(float[] values) => Ranks(values.Select(v => (double)v).ToArray());

    /// <summary>1-based ranks; tied values share the mean of their ranks.</summary>
    public static double[] Ranks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }

    public static double TopIou(float[] a, float[] b, double fraction = 0.1, bool[]? valid = null)
    {
        var index = Enumerable.Range(0, a.Length).Where(i => valid?[i] ?? true).ToArray();
        int k = Math.Max(1, (int)Math.Round(fraction * index.Length));
        var topA = index.OrderByDescending(i => a[i]).ThenBy(i => i).Take(k).ToHashSet();
        var topB = index.OrderByDescending(i => b[i]).ThenBy(i => i).Take(k).ToHashSet();
        int intersection = topA.Count(topB.Contains);
        return intersection / (double)(topA.Count + topB.Count - intersection);
    }

    public static double Ssim(float[] a, float[] b, int width, bool[]? valid = null)
    {
        using var scope = NewDisposeScope();
        int height = a.Length / width;
        var x = Scaled(a, valid).view(1, 1, height, width);
        var y = Scaled(b, valid).view(1, 1, height, width);
        var window = Window();
        Tensor Blur(Tensor t) => nn.functional.conv2d(t, window, padding: [5, 5]);
        var (mx, my) = (Blur(x), Blur(y));
        var sxx = Blur(x * x) - mx * mx;
        var syy = Blur(y * y) - my * my;
        var sxy = Blur(x * y) - mx * my;
        const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
        var map = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2));
        var values = map.flatten().data<double>().ToArray();
        var chosen = Enumerable.Range(0, values.Length).Where(i => valid?[i] ?? true).Select(i => values[i]).ToArray();
        return chosen.Length == 0 ? 0 : chosen.Average();
    }

    static Tensor Scaled(float[] values, bool[]? valid)
    {
        var chosen = Enumerable.Range(0, values.Length).Where(i => valid?[i] ?? true).Select(i => values[i]).DefaultIfEmpty(0).ToArray();
        double min = chosen.Min(), max = chosen.Max(), range = max - min;
        return tensor(values.Select(v => range > 0 ? Math.Clamp((v - min) / range, 0, 1) : 0).ToArray());
    }

    static Tensor Window()
    {
        var g = Enumerable.Range(-5, 11).Select(d => Math.Exp(-d * d / (2 * 1.5 * 1.5))).ToArray();
        double sum = g.Sum();
        var w = new double[121];
        for (int i = 0; i < 11; i++)
            for (int j = 0; j < 11; j++)
                w[i * 11 + j] = g[i] * g[j] / (sum * sum);
        return tensor(w).view(1, 1, 11, 11);
    }
}
