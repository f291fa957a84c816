namespace XaiVision.Engine.Strategies;

/// <summary>
/// Lloyd's k-means with k-means++ seeding (Arthur &amp; Vassilvitskii 2007), several seeded restarts, the lowest within-cluster sum of
/// squares kept. Points are the rows of a small spectral embedding (n × c, c ≤ a dozen), so plain loops are fast enough.
/// Deterministic for a seed and an input order.
/// </summary>
public static class KMeans
{
    public static int[] Cluster(double[][] points, int k, long seed, int restarts = 10, int iterations = 100)
    {
        int n = points.Length;
        if (k <= 1 || n <= k) return Enumerable.Range(0, n).Select(i => k <= 1 ? 0 : i).ToArray();
        int[]? best = null;
        double bestInertia = double.PositiveInfinity;
        for (int r = 0; r < restarts; r++)
        {
            var random = new Random(unchecked((int)(seed * 7919 + r * 104729 + 13)));
            var (labels, inertia) = Run(points, Seed(points, k, random), iterations);
            if (inertia < bestInertia - 1e-12)
            {
                bestInertia = inertia;
                best = labels;
            }
        }
        return best!;
    }

    static double[][] Seed(double[][] points, int k, Random random)
    {
        var centres = new List<double[]> { (double[])points[random.Next(points.Length)].Clone() };
        var nearest = points.Select(p => Distance(p, centres[0])).ToArray();
        while (centres.Count < k)
        {
            double total = nearest.Sum(), pick = random.NextDouble() * total;
            int chosen = points.Length - 1;
            for (int i = 0; i < points.Length && total > 0; i++)
            {
                pick -= nearest[i];
                if (pick <= 0) { chosen = i; break; }
            }
            if (total <= 0) chosen = random.Next(points.Length);
            centres.Add((double[])points[chosen].Clone());
            for (int i = 0; i < points.Length; i++) nearest[i] = Math.Min(nearest[i], Distance(points[i], centres[^1]));
        }
        return centres.ToArray();
    }

    static (int[] Labels, double Inertia) Run(double[][] points, double[][] centres, int iterations)
    {
        int n = points.Length, k = centres.Length, d = points[0].Length;
        var labels = new int[n];
        double inertia = 0;
        for (int it = 0; it < iterations; it++)
        {
            bool changed = it == 0;
            inertia = 0;
            for (int i = 0; i < n; i++)
            {
                int label = 0;
                double closest = double.PositiveInfinity;
                for (int c = 0; c < k; c++)
                {
                    double distance = Distance(points[i], centres[c]);
                    if (distance < closest) (closest, label) = (distance, c);
                }
                if (labels[i] != label) changed = true;
                labels[i] = label;
                inertia += closest;
            }
            if (!changed) break;
            var sums = new double[k][];
            var counts = new int[k];
            for (int c = 0; c < k; c++) sums[c] = new double[d];
            for (int i = 0; i < n; i++)
            {
                counts[labels[i]]++;
                for (int j = 0; j < d; j++) sums[labels[i]][j] += points[i][j];
            }
            for (int c = 0; c < k; c++)
                if (counts[c] > 0) for (int j = 0; j < d; j++) centres[c][j] = sums[c][j] / counts[c];
        }
        return (labels, inertia);
    }

    static double Distance(double[] a, double[] b)
    {
        double sum = 0;
        for (int j = 0; j < a.Length; j++) sum += (a[j] - b[j]) * (a[j] - b[j]);
        return sum;
    }
}
