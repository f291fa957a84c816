namespace XaiVision.Engine.Tests.Strategies;

/// <summary>Synthetic S×S relevance maps: a Gaussian blob at a chosen place over seeded noise — strategies with a known answer.</summary>
static class PlantedMaps
{
    public static float[] Blob(Random random, int size, double cx, double cy, double radius, double noise = 0.15)
    {
        var map = new float[size * size];
        double jx = cx + (random.NextDouble() - 0.5) * 0.06, jy = cy + (random.NextDouble() - 0.5) * 0.06;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double dx = (x + 0.5) / size - jx, dy = (y + 0.5) / size - jy;
                map[y * size + x] = (float)(Math.Exp(-(dx * dx + dy * dy) / (2 * radius * radius)) + noise * random.NextDouble());
            }
        return map;
    }

    /// <summary>n maps, each from one of the given blob centres (label = centre index), in a seeded shuffled order.</summary>
    public static (List<float[]> Maps, List<int> Labels) Mixture(int seed, int size, int n, params (double X, double Y, double Radius)[] centres)
    {
        var random = new Random(seed);
        var labels = Enumerable.Range(0, n).Select(i => i % centres.Length).OrderBy(_ => random.Next()).ToList();
        var maps = labels.Select(l => Blob(random, size, centres[l].X, centres[l].Y, centres[l].Radius)).ToList();
        return (maps, labels);
    }
}
