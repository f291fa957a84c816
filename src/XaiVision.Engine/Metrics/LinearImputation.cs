using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// ROAD's noisy linear imputation (Rong et al. 2022, "A Consistent and Efficient Evaluation Strategy for Attribution Methods",
/// arXiv 2202.00449, §4; Quantus <c>noisy_linear_imputation</c>, after tleemann/road_evaluation): every removed pixel takes the
/// weighted mean of its eight neighbours (weight 1/6 sideways, 1/12 diagonally; neighbours outside the image drop out of the mean),
/// removed neighbours being unknowns themselves, so the removed pixels solve the sparse system
/// <c>Dᵢ xᵢ − Σ_{j removed} wᵢⱼ xⱼ = Σ_{j kept} wᵢⱼ vⱼ</c> per channel, with <c>Dᵢ = Σ_{j in the image} wᵢⱼ</c>; then
/// <c>noise · N(0, 1)</c> is added to each of them. The system is a weighted graph Laplacian with kept pixels as its boundary, so
/// symmetric positive definite whenever a pixel is kept: it is solved here by Jacobi-preconditioned conjugate gradients, batched over
/// rows and channels on the images' device, with 8-neighbour shifts instead of a sparse matrix (Quantus factorises one per image).
/// </summary>
internal static class LinearImputation
{
    static readonly (int Dy, int Dx, double Weight)[] Neighbours =
        [(1, 1, 1 / 12.0), (0, 1, 1 / 6.0), (-1, 1, 1 / 12.0), (1, -1, 1 / 12.0), (0, -1, 1 / 6.0), (-1, -1, 1 / 12.0), (1, 0, 1 / 6.0), (-1, 0, 1 / 6.0)];

    /// <param name="images">[R, C, H, W].</param>
    /// <param name="removed">[R, H, W], true where the pixel is imputed.</param>
    /// <param name="noise">N(0, 1) draws [R, C, H, W] scaled by <paramref name="scale"/> and added at removed pixels; null for none.</param>
    /// <returns>the images with their removed pixels imputed, in the images' dtype.</returns>
    public static Tensor Impute(Tensor images, Tensor removed, Tensor? noise, double scale, double tolerance = 1e-9)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long h = images.shape[2], w = images.shape[3];
        var v = images.to(ScalarType.Float64);
        var m = removed.unsqueeze(1).to(ScalarType.Float64);
        var degree = Stencil(ones(1, 1, h, w, ScalarType.Float64, images.device));
        var b = m * Stencil((1 - m) * v);
        Tensor Apply(Tensor x) => m * (degree * x - Stencil(m * x));

        // Preconditioned conjugate gradients, one system per (row, channel); x stays 0 on kept pixels; the tensors of the
        // iteration are updated in place, so each step's scope frees only its temporaries. Convergence is read every 8 steps (a host sync).
        var x = b / degree;
        var r = b - Apply(x);
        var z = r / degree;
        var p = z.clone();
        var rz = (r * z).sum([2, 3], keepdim: true);
        var bNorm = b.square().sum([2, 3], keepdim: true).sqrt().clamp_min(1e-300);
        int limit = 20 * (int)(h + w) + 100;
        for (int i = 0; i < limit; i++)
        {
            using var step = NewDisposeScope();
            if (i % 8 == 0 && (r.square().sum([2, 3], keepdim: true).sqrt() / bNorm).max().item<double>() <= tolerance) break;
            var ap = Apply(p);
            var pap = (p * ap).sum([2, 3], keepdim: true);
            var alpha = where(pap.gt(0), rz / pap, zeros_like(pap));
            x.add_(alpha * p);
            r.sub_(alpha * ap);
            var zNext = r / degree;
            var rzNext = (r * zNext).sum([2, 3], keepdim: true);
            var beta = where(rz.gt(0), rzNext / rz, zeros_like(rz));
            p.mul_(beta).add_(zNext);
            rz.copy_(rzNext);
        }
        if (noise is not null) x = x + scale * noise.to(ScalarType.Float64);
        return where(m.to(ScalarType.Bool).expand_as(v), x, v).to(images.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Σ over the eight neighbours of <c>wⱼ · t[neighbour j]</c>, zero outside the image.</summary>
    static Tensor Stencil(Tensor t)
    {
        long h = t.shape[2], w = t.shape[3];
        var padded = nn.functional.pad(t, [1, 1, 1, 1]);
        Tensor? sum = null;
        foreach (var (dy, dx, weight) in Neighbours)
        {
            var shifted = padded[.., .., (1 + dy)..(int)(1 + dy + h), (1 + dx)..(int)(1 + dx + w)] * weight;
            sum = sum is null ? shifted : sum.add_(shifted);
        }
        return sum!;
    }
}
