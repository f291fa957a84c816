namespace XaiVision.Engine.Strategies;

/// <summary>
/// The eigengap heuristic (von Luxburg 2007, "A tutorial on spectral clustering", §8.3): with the normalised Laplacian's eigenvalues
/// λ₀ ≤ λ₁ ≤ …, c well-separated groups give c eigenvalues near 0 and then a jump. The jump is measured as a ratio,
/// r_c = (λ_c + δ) / (λ_{c−1} + δ) with δ = <see cref="Floor"/>, because in a neighbour graph of maps that vary smoothly (an object
/// that moves about the frame) the eigenvalues inside each group climb steadily towards 1 and their absolute steps outgrow the first
/// jump from ≈ 0. The answer is the c ∈ [2, max] with the largest r_c if it reaches <see cref="MinimumRatio"/>; otherwise 1 — one
/// strategy unless the spectrum says clearly that there are more. The ratio is scale-free: with more maps every eigenvalue of a smooth
/// group shrinks (≈ 0.015 at 2,000 maps), and δ only keeps exact zeros (disconnected parts) finite. (On the shortcut demo the classes
/// with a tag strategy show r ≥ 3.4, the clean model's classes r ≤ 2.1.)
/// </summary>
public static class Eigengap
{
    public const double Floor = 0.001, MinimumRatio = 3.0;

    public static int Choose(IReadOnlyList<double> ascending, int maxClusters)
    {
        int best = 1;
        double widest = 0;
        for (int c = 2; c <= maxClusters && c < ascending.Count; c++)
        {
            double ratio = Ratio(ascending, c);
            if (ratio >= MinimumRatio && ratio > widest + 1e-9) (widest, best) = (ratio, c);
        }
        return best;
    }

    /// <summary>The gap after c eigenvalues as a ratio (λ_c + δ)/(λ_{c−1} + δ): how clearly the spectrum says c.</summary>
    public static double Ratio(IReadOnlyList<double> ascending, int clusters) =>
        clusters >= 1 && clusters < ascending.Count ? (Math.Max(ascending[clusters], 0) + Floor) / (Math.Max(ascending[clusters - 1], 0) + Floor) : double.NaN;
}
