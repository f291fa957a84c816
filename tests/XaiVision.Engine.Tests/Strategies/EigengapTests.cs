using XaiVision.Engine.Strategies;

namespace XaiVision.Engine.Tests.Strategies;

/// <summary>The eigengap choice on spectra whose answer is known.</summary>
public sealed class EigengapTests
{
    [Theory]
    [InlineData(new[] { 0.0, 0.01, 0.9, 0.95, 1.0 }, 8, 2)]
    [InlineData(new[] { 0.0, 0.0, 0.0, 0.8, 0.85, 0.9 }, 8, 3)]
    [InlineData(new[] { 0.0, 0.6, 0.7, 0.8, 0.9 }, 8, 1)]
    [InlineData(new[] { 0.0, 0.1, 0.265, 0.3 }, 8, 1)] // a gap of 2.5× is not clear enough (the threshold is 3×)
    [InlineData(new[] { 0.0, 0.1, 0.34, 0.4 }, 8, 2)]
    [InlineData(new[] { 0.0, 0.0, 0.0, 0.0, 0.0, 0.9 }, 3, 1)] // the gap after five lies beyond the limit; the first (0) is no gap either
    [InlineData(new[] { 0.0, 0.02, 0.03, 0.5, 0.52, 0.9 }, 8, 3)]
    [InlineData(new[] { 0.0, 0.02, 0.03, 0.5, 0.52, 0.9 }, 2, 1)] // capped: the widest gap within the first two
    public void Chooses_the_widest_gap_within_the_limit(double[] spectrum, int max, int expected) =>
        Assert.Equal(expected, Eigengap.Choose(spectrum, max));

    [Fact]
    public void Disconnected_cliques_have_one_zero_eigenvalue_each()
    {
        // Three groups of 12 identical maps, k = 11: the neighbour graph is three cliques K₁₂; the normalised Laplacian of K_m has
        // eigenvalues 0 and m/(m−1), so the spectrum is 0, 0, 0, then 12/11 — three clusters.
        var maps = Enumerable.Range(0, 36).Select(i =>
        {
            var m = new float[16];
            m[(i % 3) * 5] = 1;
            return m;
        }).ToList();
        var result = SpectralClustering.Cluster(maps, 1, neighbours: 11);
        Assert.Equal(3, result.Clusters);
        Assert.All(result.Eigenvalues.Take(3), v => Assert.True(Math.Abs(v) < 1e-9, $"{v}"));
        Assert.Equal(12.0 / 11, result.Eigenvalues[3], 9);
    }
}
