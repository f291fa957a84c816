using XaiVision.Engine.Strategies;

namespace XaiVision.Engine.Tests.Strategies;

/// <summary>SpRAy's clustering on maps with a planted answer: the eigengap finds the number of strategies and k-means their members.</summary>
public sealed class SpectralClusteringTests
{
    [Fact]
    public void Two_planted_strategies_are_found_exactly()
    {
        // A centred object and a top-left "tag": 35 and 25 maps, shuffled.
        var (maps, labels) = PlantedMaps.Mixture(1, 32, 60, (0.5, 0.5, 0.15), (0.06, 0.06, 0.04));
        var result = SpectralClustering.Cluster(maps, seed: 7);
        Assert.True(2 == result.Clusters, string.Join(", ", result.Eigenvalues.Select(v => v.ToString("F3"))) + " k=" + result.Neighbours);
        Assert.Equal(1.0, AdjustedRandIndex.Of(labels, result.Labels));
        Assert.True(result.Eigenvalues[1] < 0.01 && Eigengap.Ratio(result.Eigenvalues, 2) > 5, string.Join(", ", result.Eigenvalues.Select(v => v.ToString("F3"))));
    }

    [Fact]
    public void Three_planted_strategies_give_three_clusters_and_a_single_one_gives_one()
    {
        var (maps, labels) = PlantedMaps.Mixture(2, 32, 90, (0.5, 0.5, 0.12), (0.1, 0.1, 0.05), (0.85, 0.5, 0.08));
        var three = SpectralClustering.Cluster(maps, seed: 1);
        Assert.Equal(3, three.Clusters);
        Assert.Equal(1.0, AdjustedRandIndex.Of(labels, three.Labels));

        var (one, _) = PlantedMaps.Mixture(3, 32, 50, (0.5, 0.5, 0.15));
        Assert.Equal(1, SpectralClustering.Cluster(one, seed: 1).Clusters);
    }

    [Fact]
    public void The_same_maps_and_seed_give_the_same_clusters_and_coordinates()
    {
        var (maps, _) = PlantedMaps.Mixture(4, 16, 80, (0.3, 0.3, 0.1), (0.7, 0.7, 0.1), (0.3, 0.8, 0.1));
        var a = SpectralClustering.Cluster(maps, seed: 5);
        var b = SpectralClustering.Cluster(maps, seed: 5);
        Assert.Equal(a.Labels, b.Labels);
        Assert.Equal(a.Eigenvalues, b.Eigenvalues);
        Assert.Equal(a.Coordinates.SelectMany(c => c), b.Coordinates.SelectMany(c => c));
        // Clusters are numbered by size, largest first.
        var sizes = Enumerable.Range(0, a.Clusters).Select(c => a.Labels.Count(l => l == c)).ToList();
        Assert.Equal(sizes.OrderByDescending(s => s), sizes);
    }

    [Fact]
    public void Scaling_a_map_does_not_move_it()
    {
        var (maps, labels) = PlantedMaps.Mixture(5, 16, 40, (0.5, 0.5, 0.15), (0.1, 0.9, 0.05));
        var scaled = maps.Select((m, i) => m.Select(v => v * (1 + i)).ToArray()).ToList();
        Assert.Equal(SpectralClustering.Cluster(maps, 3).Labels, SpectralClustering.Cluster(scaled, 3).Labels);
        Assert.Equal(1.0, AdjustedRandIndex.Of(labels, SpectralClustering.Cluster(scaled, 3).Labels));
    }

    [Fact]
    public void Too_few_maps_are_one_cluster()
    {
        var result = SpectralClustering.Cluster([new float[4], new float[4]], 1);
        Assert.Equal([0, 0], result.Labels);
        Assert.Equal(1, result.Clusters);
    }
}
