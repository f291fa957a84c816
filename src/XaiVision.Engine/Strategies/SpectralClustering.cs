using static TorchSharp.torch;

namespace XaiVision.Engine.Strategies;

/// <summary>
/// Spectral clustering of relevance maps as in SpRAy (Lapuschkin et al. 2019, "Unmasking Clever Hans predictors and assessing what
/// machines really learn", Nat. Commun. 10:1096), after Ng, Jordan &amp; Weiss 2002: each map normalised to a relevance distribution
/// (sum 1) and compared by cosine similarity; a symmetric k-nearest-neighbour graph W (i~j if either is among the other's k nearest);
/// the normalised Laplacian L = I − D^{−½} W D^{−½}; its eigenvalues λ₀ ≤ λ₁ ≤ … (torch.linalg.eigh, dense, in double precision); the
/// number of clusters c by the <see cref="Eigengap"/>; k-means (<see cref="KMeans"/>, seeded) on the rows of the first c eigenvectors
/// scaled to unit length. Clusters are numbered by size, largest first. The 2-D coordinates are the first two non-trivial eigenvectors
/// (sign fixed so the largest entry is positive) — the spectral embedding the report plots.
/// Dense eigh costs O(n³) time and 8n² bytes: callers keep n ≤ a few thousand (<see cref="StrategyOptions.MaxMaps"/>).
/// </summary>
public static class SpectralClustering
{
    public sealed record Result(int[] Labels, int Clusters, double[] Eigenvalues, double[][] Coordinates, int Neighbours);

    /// <summary>k for n maps when not given: √n, at least 10, at most 50 (and below n).</summary>
    public static int AutoNeighbours(int n) => Math.Max(1, Math.Min(n - 1, Math.Clamp((int)Math.Round(Math.Sqrt(n)), 10, 50)));

    public static Result Cluster(IReadOnlyList<float[]> maps, long seed, int maxClusters = 8, int neighbours = 0, int spectrum = 12)
    {
        int n = maps.Count;
        if (n < 3) return new Result(new int[n], 1, [], maps.Select(_ => new double[2]).ToArray(), 0);
        int k = neighbours > 0 ? Math.Min(neighbours, n - 1) : AutoNeighbours(n);
        double[] eigenvalues;
        double[][] embedding, coordinates;
        int clusters;
        using (NewDisposeScope())
        {
            var x = stack(maps.Select(m => tensor(m)).ToArray()).to(ScalarType.Float64).clamp_min(0);
            var mass = x.sum(1, keepdim: true);
            x = where(mass > 0, x / mass.clamp_min(1e-300), full_like(x, 1.0 / x.shape[1]));
            x = nn.functional.normalize(x, p: 2, dim: 1);
            // The n × n intermediates go as soon as the next is made: at 2,000 maps each is 32 MB.
            var similarity = x.matmul(x.T) - eye(n, dtype: ScalarType.Float64) * 4; // cosines ≤ 1: a map is never its own neighbour
            var nearest = similarity.topk(k, dim: 1).indexes;
            similarity.Dispose();
            var adjacency = zeros(n, n, ScalarType.Float64).scatter_(1, nearest, ones(n, k, ScalarType.Float64));
            var graph = maximum(adjacency, adjacency.T);
            adjacency.Dispose();
            var scale = graph.sum(1).rsqrt();
            var laplacian = eye(n, dtype: ScalarType.Float64).sub_(scale.unsqueeze(1) * graph * scale.unsqueeze(0));
            graph.Dispose();
            var (values, vectors) = linalg.eigh(laplacian);
            laplacian.Dispose();
            int shown = Math.Min(n, Math.Max(spectrum, maxClusters + 1));
            eigenvalues = values.narrow(0, 0, shown).data<double>().ToArray();
            clusters = Eigengap.Choose(eigenvalues, Math.Min(maxClusters, n - 1));
            var first = nn.functional.normalize(vectors.narrow(1, 0, clusters), p: 2, dim: 1);
            embedding = Rows(first);
            var plane = vectors.narrow(1, 1, Math.Min(2, n - 1));
            var sign = plane.gather(0, plane.abs().argmax(0, keepdim: true)).sign();
            coordinates = Rows(plane * where(sign == 0, ones_like(sign), sign));
        }
        var labels = Renumber(KMeans.Cluster(embedding, clusters, seed));
        return new Result(labels, labels.Length == 0 ? 0 : labels.Max() + 1, eigenvalues, coordinates, k);
    }

    static double[][] Rows(Tensor matrix)
    {
        var values = matrix.contiguous().data<double>().ToArray();
        int columns = (int)matrix.shape[1];
        return Enumerable.Range(0, (int)matrix.shape[0]).Select(r => values.AsSpan(r * columns, columns).ToArray()).ToArray();
    }

    /// <summary>Cluster numbers by size, largest first; equal sizes by first member.</summary>
    static int[] Renumber(int[] labels)
    {
        var order = labels.Select((label, index) => (label, index)).GroupBy(p => p.label)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Min(p => p.index)).Select((g, rank) => (g.Key, rank)).ToDictionary(p => p.Key, p => p.rank);
        return labels.Select(l => order[l]).ToArray();
    }
}
