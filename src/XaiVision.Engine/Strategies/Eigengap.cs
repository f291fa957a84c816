namespace XaiVision.Engine.Strategies;

/// <summary>
/// The eigengap heuristic (von Luxburg 2007, "A tutorial on spectral clustering", §8.3): with the normalised Laplacian's eigenvalues
/// λ₀ ≤ λ₁ ≤ …, c well-separated groups give c eigenvalues near 0 and then a jump, so choose the c ∈ [1, max] with the widest gap
/// between λ_{c−1} and λ_c. The gap is measured on a log scale, (λ_c + δ) / (λ_{c−1} + δ) with δ = <see cref="Floor"/>: in a
/// neighbour graph of maps that vary smoothly (an object that moves about the frame) the eigenvalues inside each group rise steadily
/// towards 1, and their absolute steps there outgrow the first jump from ≈ 0; eigenvalues below δ count as zero (parts the graph
/// barely connects). c = 1 when no later gap beats the first (one strategy).
/// </summary>
public static class Eigengap
{
    public const double Floor = 0.01;

    public static int Choose(IReadOnlyList<double> ascending, int maxClusters)
    {
        int best = 1;
        double widest = double.NegativeInfinity;
        for (int c = 1; c <= maxClusters && c < ascending.Count; c++)
        {
            double gap = Math.Log((Math.Max(ascending[c], 0) + Floor) / (Math.Max(ascending[c - 1], 0) + Floor));
            if (gap > widest + 1e-9)
            {
                widest = gap;
                best = c;
            }
        }
        return best;
    }

    /// <summary>The gap that decided, as a ratio (λ_c + δ)/(λ_{c−1} + δ): how clearly the spectrum says c.</summary>
    public static double Ratio(IReadOnlyList<double> ascending, int clusters) =>
        clusters < ascending.Count ? (Math.Max(ascending[clusters], 0) + Floor) / (Math.Max(ascending[clusters - 1], 0) + Floor) : double.NaN;
}
