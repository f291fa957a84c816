namespace XaiVision.Engine.Imaging;

/// <summary>
/// SLIC superpixels (Achanta et al. 2012, "SLIC superpixels compared to state-of-the-art superpixel methods", IEEE TPAMI 34(11)),
/// step for step as scikit-image 0.19's <c>slic(image, n_segments, compactness, start_label=0)</c> computes them (the segmenter
/// Quantus's IROF calls), so that both cut an image into the same segments: the image scaled to [0, 1] over all its values, to
/// CIE Lab (D65, 2°), seeds on <c>regular_grid</c> with their colours at zero, at most 10 k-means rounds within 2 grid steps
/// (distance: squared colour / compactness² + squared offset / step²), then segments under half the mean size merged into a
/// neighbour, and each connected piece (up to 3× the mean size) labelled apart, in raster order.
/// </summary>
public static class Slic
{
    const int Iterations = 10;

    /// <param name="rgb">the image [3, H, W], channel first, any range.</param>
    /// <returns>a label from 0 per pixel [H·W] and the number of labels.</returns>
    public static (int[] Labels, int Count) Segment(ReadOnlySpan<float> rgb, int height, int width, int segments = 100, double compactness = 10)
    {
        int pixels = height * width;
        var lab = Lab(rgb, pixels);
        var ratio = 1.0 / compactness;
        for (int i = 0; i < lab.Length; i++) lab[i] *= ratio;

        var (starts, steps) = RegularGrid([1, height, width], segments);
        var seeds = new List<double[]>();
        for (int y = starts[1]; y < height; y += steps[1])
            for (int x = starts[2]; x < width; x += steps[2])
                seeds.Add([0, y, x, 0, 0, 0]);
        int count = seeds.Count;
        double step = Math.Max(1, Math.Max(steps[1], steps[2]));
        var (_, window) = RegularGrid([1, height, width], count); // the search window, from the seeds' count as _slic_cython recomputes it
        var labels = Cluster(lab, height, width, seeds, (float)step, window[1], window[2]);

        double size = (double)pixels / count;
        return Connect(labels, height, width, (int)(0.5 * size), (int)(3 * size));
    }

    /// <summary>skimage's rgb2lab of the image min–max scaled to [0, 1], pixel-major [H·W·3].</summary>
    static double[] Lab(ReadOnlySpan<float> rgb, int pixels)
    {
        double low = double.MaxValue, high = double.MinValue;
        foreach (var v in rgb) { low = Math.Min(low, v); high = Math.Max(high, v); }
        var range = high - low;
        var lab = new double[pixels * 3];
        Span<double> linear = stackalloc double[3];
        for (int p = 0; p < pixels; p++)
        {
            for (int c = 0; c < 3; c++)
            {
                double v = rgb[c * pixels + p] - low;
                if (range != 0) v /= range;
                linear[c] = v > 0.04045 ? Math.Pow((v + 0.055) / 1.055, 2.4) : v / 12.92;
            }
            double x = (linear[0] * 0.412453 + linear[1] * 0.357580 + linear[2] * 0.180423) / 0.95047;
            double y = linear[0] * 0.212671 + linear[1] * 0.715160 + linear[2] * 0.072169;
            double z = (linear[0] * 0.019334 + linear[1] * 0.119193 + linear[2] * 0.950227) / 1.08883;
            static double F(double t) => t > 0.008856 ? Math.Cbrt(t) : 7.787 * t + 16.0 / 116.0;
            (x, y, z) = (F(x), F(y), F(z));
            lab[p * 3] = 116.0 * y - 16.0;
            lab[p * 3 + 1] = 500.0 * (x - y);
            lab[p * 3 + 2] = 200.0 * (y - z);
        }
        return lab;
    }

    /// <summary>skimage's <c>regular_grid</c>: per axis, the first index and the step of a grid of about <paramref name="points"/> points.</summary>
    internal static (int[] Starts, int[] Steps) RegularGrid(int[] shape, int points)
    {
        int ndim = shape.Length;
        var order = Enumerable.Range(0, ndim).OrderBy(i => shape[i]).ToArray(); // np.argsort: equal sizes keep their order
        var sorted = order.Select(i => shape[i]).ToArray();
        double space = shape.Aggregate(1.0, (a, b) => a * b);
        if (space <= points) return (new int[ndim], Enumerable.Repeat(1, ndim).ToArray());
        var steps = Enumerable.Repeat(Math.Pow(space / points, 1.0 / ndim), ndim).ToArray();
        if (sorted.Zip(steps).Any(p => p.First < p.Second))
            for (int dim = 0; dim < ndim; dim++)
            {
                steps[dim] = sorted[dim];
                double rest = sorted.Skip(dim + 1).Aggregate(1.0, (a, b) => a * b);
                for (int k = dim + 1; k < ndim; k++) steps[k] = Math.Pow(rest / points, 1.0 / (ndim - dim - 1));
                if (sorted.Zip(steps).All(p => p.First >= p.Second)) break;
            }
        var starts = new int[ndim];
        var rounded = new int[ndim];
        for (int k = 0; k < ndim; k++)
        {
            starts[order[k]] = (int)Math.Floor(steps[k] / 2);
            rounded[order[k]] = (int)Math.Round(steps[k], MidpointRounding.ToEven);
        }
        return (starts, rounded);
    }

    /// <summary>skimage's <c>_slic_cython</c> on one plane: nearest seed per pixel, seeds moved to their pixels' means, until nothing moves.</summary>
    static int[] Cluster(double[] lab, int height, int width, List<double[]> seeds, float step, int stepY, int stepX)
    {
        int n = seeds.Count;
        var nearest = Enumerable.Repeat(-1, height * width).ToArray();
        var distance = new double[height * width];
        var members = new int[n];
        double spatialWeight = 1.0 / ((double)step * step);
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            bool change = false;
            Array.Fill(distance, double.MaxValue);
            for (int k = 0; k < n; k++)
            {
                var seed = seeds[k];
                double cy = seed[1], cx = seed[2];
                if (double.IsNaN(cy)) continue; // a seed that lost every pixel: skimage's NaN centre scans nothing
                int yMin = (int)Math.Max(cy - 2 * stepY, 0), yMax = (int)Math.Min(cy + 2 * stepY + 1, height);
                int xMin = (int)Math.Max(cx - 2 * stepX, 0), xMax = (int)Math.Min(cx + 2 * stepX + 1, width);
                for (int y = yMin; y < yMax; y++)
                {
                    double dy = cy - y;
                    dy *= dy;
                    for (int x = xMin; x < xMax; x++)
                    {
                        double dx = cx - x;
                        dx *= dx;
                        double d = (0 + dy + dx) * spatialWeight; // dz = 0 first, as skimage sums dz + dy + dx
                        int p = y * width + x;
                        double color = 0;
                        for (int c = 0; c < 3; c++)
                        {
                            double t = lab[p * 3 + c] - seed[3 + c];
                            color += t * t;
                        }
                        d += color;
                        if (distance[p] > d)
                        {
                            nearest[p] = k;
                            distance[p] = d;
                            change = true;
                        }
                    }
                }
            }
            if (!change) break;
            Array.Clear(members);
            foreach (var seed in seeds) Array.Clear(seed);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int p = y * width + x, k = nearest[p];
                    members[k]++;
                    seeds[k][1] += y;
                    seeds[k][2] += x;
                    for (int c = 0; c < 3; c++) seeds[k][3 + c] += lab[p * 3 + c];
                }
            for (int k = 0; k < n; k++)
                for (int c = 0; c < 6; c++) seeds[k][c] /= members[k];
        }
        return nearest;
    }

    /// <summary>skimage's <c>_enforce_label_connectivity_cython</c> on one plane: connected pieces relabelled in raster order, small ones joined to a neighbour.</summary>
    static (int[] Labels, int Count) Connect(int[] segments, int height, int width, int minSize, int maxSize)
    {
        int[] ddx = [1, -1, 0, 0], ddy = [0, 0, 1, -1];
        var connected = Enumerable.Repeat(-1, segments.Length).ToArray();
        var queue = new int[Math.Max(1, maxSize)];
        int next = 0;
        for (int start = 0; start < segments.Length; start++)
        {
            if (segments[start] == -1 || connected[start] > -1) continue;
            int adjacent = next, label = segments[start], size = 1, visited = 0;
            connected[start] = next;
            queue[0] = start;
            while (visited < size && size < maxSize)
            {
                int y0 = queue[visited] / width, x0 = queue[visited] % width;
                for (int i = 0; i < 4; i++)
                {
                    int y = y0 + ddy[i], x = x0 + ddx[i];
                    if (x < 0 || x >= width || y < 0 || y >= height) continue;
                    int p = y * width + x;
                    if (segments[p] == label && connected[p] == -1)
                    {
                        connected[p] = next;
                        queue[size++] = p;
                        if (size >= maxSize) break;
                    }
                    else if (connected[p] > -1 && connected[p] != next) adjacent = connected[p];
                }
                visited++;
            }
            if (size < minSize)
                for (int i = 0; i < size; i++) connected[queue[i]] = adjacent;
            else next++;
        }
        // Small pieces met before any finished one keep the label in progress, which then counts too (labels stay 0 … max).
        return (connected, connected.Max() + 1);
    }
}
