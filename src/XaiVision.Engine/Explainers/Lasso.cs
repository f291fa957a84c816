namespace XaiVision.Engine.Explainers;

/// <summary>
/// scikit-learn 1.2's <c>Lasso(alpha).fit(X, y, sample_weight)</c> (what Captum's LIME fits), step for step: the weights scaled to
/// sum to n; X and y centred on their weighted means and their rows scaled by √weight; then cyclic coordinate descent on
/// ½‖y − Xw‖² + α·n‖w‖₁ from w = 0 (<c>cd_fast.enet_coordinate_descent</c>), stopping when the largest coefficient step is under
/// <c>tol</c> of the largest coefficient and the duality gap is under <c>tol</c>·‖y‖², or after <c>max_iter</c> sweeps. Returns
/// the coefficients (the intercept is not part of a map).
/// </summary>
public static class Lasso
{
    public static double[] Fit(double[][] x, double[] y, double[] sampleWeight, double alpha, int maxIterations = 1000, double tolerance = 1e-4)
    {
        int n = x.Length, p = x[0].Length;
        double weightSum = sampleWeight.Sum();
        var sw = sampleWeight.Select(v => v * (n / weightSum)).ToArray();
        double swSum = sw.Sum();
        var xOffset = Enumerable.Range(0, p).Select(f => Enumerable.Range(0, n).Sum(k => sw[k] * x[k][f]) / swSum).ToArray();
        double yOffset = Enumerable.Range(0, n).Sum(k => sw[k] * y[k]) / swSum;
        var columns = Enumerable.Range(0, p).Select(f => Enumerable.Range(0, n).Select(k => (x[k][f] - xOffset[f]) * Math.Sqrt(sw[k])).ToArray()).ToArray();
        var target = Enumerable.Range(0, n).Select(k => (y[k] - yOffset) * Math.Sqrt(sw[k])).ToArray();
        return CoordinateDescent(columns, target, alpha * n, maxIterations, tolerance);
    }

    /// <summary><c>enet_coordinate_descent</c> with no L2 term, on the columns of X.</summary>
    static double[] CoordinateDescent(double[][] columns, double[] y, double l1, int maxIterations, double tolerance)
    {
        int p = columns.Length, n = y.Length;
        var w = new double[p];
        var norms = columns.Select(c => Dot(c, c)).ToArray();
        var residual = (double[])y.Clone();
        double gapTolerance = tolerance * Dot(y, y);
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            double wMax = 0, stepMax = 0;
            for (int f = 0; f < p; f++)
            {
                if (norms[f] == 0) continue;
                double previous = w[f];
                if (previous != 0) Axpy(previous, columns[f], residual);
                double correlation = Dot(columns[f], residual);
                w[f] = Math.Sign(correlation) * Math.Max(Math.Abs(correlation) - l1, 0) / norms[f];
                if (w[f] != 0) Axpy(-w[f], columns[f], residual);
                stepMax = Math.Max(stepMax, Math.Abs(w[f] - previous));
                wMax = Math.Max(wMax, Math.Abs(w[f]));
            }
            if (wMax == 0 || stepMax / wMax < tolerance || iteration == maxIterations - 1)
            {
                double dualNorm = Enumerable.Range(0, p).Max(f => Math.Abs(Dot(columns[f], residual)));
                double residualNorm = Dot(residual, residual);
                double scale = dualNorm > l1 ? l1 / dualNorm : 1;
                double gap = dualNorm > l1 ? 0.5 * (residualNorm + residualNorm * scale * scale) : residualNorm;
                gap += l1 * w.Sum(Math.Abs) - scale * Dot(residual, y);
                if (gap < gapTolerance) break;
            }
        }
        return w;
    }

    static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    static void Axpy(double factor, double[] x, double[] y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += factor * x[i];
    }
}
