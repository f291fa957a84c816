using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Rules;

internal static class Stabiliser
{
    /// <summary>z + ε·sign(z), with sign(0) = +1, so no denominator is zero.</summary>
    public static Tensor Add(Tensor z, double epsilon) => z + (z.ge(0).to_type(z.dtype) * (2 * epsilon) - epsilon).detach();

    /// <summary>
    /// Keeps y's value but routes the gradient through z: z · (y / z).detach(). Where z is exactly 0
    /// (an unstabilised zero output) the output carries no relevance: 0/0 := 0.
    /// </summary>
    public static Tensor Reroute(Tensor y, Tensor z) => z * where(z.eq(0), zeros_like(y), y / z).detach();
}
