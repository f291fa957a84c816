using System.Globalization;
using XaiVision.Engine.Explainers;
using static TorchSharp.torch;

namespace XaiVision.Engine.Perturbations;

/// <summary>
/// Rotation (degrees, counter-clockwise), scale, translation (fractions of the side) and horizontal
/// flip about the image centre; uncovered pixels take the mean colour (0 in normalised space).
/// Maps of the transformed image are warped back with the inverse transform; pixels that left the
/// frame are marked invalid.
/// </summary>
public sealed class Affine : IPerturbation
{
    readonly double _rotate, _scale, _dx, _dy;
    readonly bool _flip;

    public Affine(MethodSpec spec)
    {
        _rotate = spec.Double("rotate", 15, -360, 360);
        _scale = spec.Double("scale", 1, 0.1, 10);
        _dx = spec.Double("dx", 0, -1, 1);
        _dy = spec.Double("dy", 0, -1, 1);
        _flip = spec.Choice("flip", false, new Dictionary<string, bool> { ["true"] = true, ["false"] = false, ["yes"] = true, ["no"] = false });
    }

    public string Name => "affine";

    public IReadOnlyDictionary<string, string> Parameters => new Dictionary<string, string>
    {
        ["rotate"] = Text(_rotate),
        ["scale"] = Text(_scale),
        ["dx"] = Text(_dx),
        ["dy"] = Text(_dy),
        ["flip"] = _flip ? "true" : "false",
    };

    static string Text(double v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>Content transform in normalised coordinates (y down): u = M p + t.</summary>
    (double[,] M, double[] T) Forward()
    {
        double a = -_rotate * Math.PI / 180; // counter-clockwise on screen with y pointing down
        double cos = Math.Cos(a) * _scale, sin = Math.Sin(a) * _scale;
        double f = _flip ? -1 : 1;
        return (new[,] { { cos * f, -sin }, { sin * f, cos } }, new[] { 2 * _dx, 2 * _dy });
    }

    static Tensor Theta(double[,] m, double[] t, long n, Tensor like) =>
        tensor(new[] { (float)m[0, 0], (float)m[0, 1], (float)t[0], (float)m[1, 0], (float)m[1, 1], (float)t[1] }, dtype: like.dtype, device: like.device)
            .view(1, 2, 3).expand(n, 2, 3).contiguous();

    static (double[,] M, double[] T) Invert(double[,] m, double[] t)
    {
        double det = m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0];
        var inv = new[,] { { m[1, 1] / det, -m[0, 1] / det }, { -m[1, 0] / det, m[0, 0] / det } };
        return (inv, new[] { -(inv[0, 0] * t[0] + inv[0, 1] * t[1]), -(inv[1, 0] * t[0] + inv[1, 1] * t[1]) });
    }

    /// <summary>Samples <paramref name="source"/> [N,C,H,W] at M·u + t for every output location u.</summary>
    static Tensor Sample(Tensor source, double[,] m, double[] t)
    {
        using var scope = NewDisposeScope();
        var theta = Theta(m, t, source.shape[0], source);
        var grid = nn.functional.affine_grid(theta, source.shape, align_corners: false);
        return nn.functional.grid_sample(source, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false).MoveToOuterDisposeScope();
    }

    public Tensor Apply(PerturbationInput input)
    {
        var (m, t) = Forward();
        var (inverse, inverseT) = Invert(m, t);
        return Sample(input.Images, inverse, inverseT); // output u shows content from p = M⁻¹(u − t)
    }

    public (Tensor Maps, Tensor Valid) ToOriginalFrame(Tensor maps)
    {
        using var scope = NewDisposeScope();
        var (m, t) = Forward(); // original location p is shown at u = M p + t in the perturbed map
        var back = Sample(maps.unsqueeze(1), m, t).squeeze(1);
        var valid = Sample(Sample(ones_like(maps).unsqueeze(1), Invert(m, t).M, Invert(m, t).T), m, t).squeeze(1).gt(0.999).to(maps.dtype);
        return (back.MoveToOuterDisposeScope(), valid.MoveToOuterDisposeScope());
    }
}
