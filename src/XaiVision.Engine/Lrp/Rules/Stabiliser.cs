using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Rules;

internal static class Stabiliser
{
    /// <summary>z + ε·sign(z), with sign(0) = +1, so no denominator is zero.</summary>
    public static Tensor Add(Tensor z, double epsilon) => z + (z.ge(0).to_type(z.dtype) * (2 * epsilon) - epsilon).detach();

    /// <summary>
    /// z + ε·sign(z) with ε = <paramref name="factor"/> × the root-mean-square of each image's z (+1e-9): Montavon et al.'s
    /// ε = 0.25·std stabiliser of the upper layers.
    /// </summary>
    public static Tensor AddRelative(Tensor z, double factor)
    {
        long n = z.shape[0];
        var rms = z.detach().view(n, -1).pow(2).mean([1]).sqrt().view([n, .. Enumerable.Repeat(1L, (int)z.dim() - 1)]);
        var eps = rms * factor + 1e-9;
        return z + where(z.ge(0), eps, -eps).detach();
    }

    /// <summary>
    /// Keeps y's value but routes the gradient through z: z · (y / z).detach(). Where z is exactly 0
    /// (an unstabilised zero output) the output carries no relevance: 0/0 := 0.
    /// </summary>
    public static Tensor Reroute(Tensor y, Tensor z) => z * where(z.eq(0), zeros_like(y), y / z).detach();
}
