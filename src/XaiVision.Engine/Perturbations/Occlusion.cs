using XaiVision.Engine.Explainers;
using static TorchSharp.torch;

namespace XaiVision.Engine.Perturbations;

/// <summary>A square patch of side <c>size</c> (fraction of the image side) centred at (<c>x</c>, <c>y</c>) (fractions), filled with grey <c>value</c>.</summary>
public sealed class Occlusion(MethodSpec spec) : IPerturbation
{
    readonly double _size = spec.Double("size", 0.25, 0.01, 1);
    readonly double _x = spec.Double("x", 0.5, 0, 1);
    readonly double _y = spec.Double("y", 0.5, 0, 1);
    readonly double _value = spec.Double("value", 0.5, 0, 1);

    public string Name => "occlusion";

    public IReadOnlyDictionary<string, string> Parameters => new Dictionary<string, string>
    {
        ["size"] = F(_size),
        ["x"] = F(_x),
        ["y"] = F(_y),
        ["value"] = F(_value),
    };

    static string F(double v) => Invariant.Number(v);

    public Tensor Apply(PerturbationInput input) => PixelSpace.Edit(input.Images, input.Preprocessing, pixels =>
    {
        long h = pixels.shape[2], w = pixels.shape[3];
        long side = Math.Max(1, (long)Math.Round(_size * Math.Min(h, w)));
        long top = Math.Clamp((long)Math.Round(_y * h - side / 2.0), 0, h - side);
        long left = Math.Clamp((long)Math.Round(_x * w - side / 2.0), 0, w - side);
        var result = pixels.clone();
        result[.., .., TensorIndex.Slice(top, top + side), TensorIndex.Slice(left, left + side)] = (float)_value;
        return result;
    });
}
