using XaiVision.Engine.Explainers;
using static TorchSharp.torch;

namespace XaiVision.Engine.Perturbations;

/// <summary>Additive Gaussian noise of σ = <c>sigma</c> in pixel units ([0, 1] scale), clipped, seeded.</summary>
public sealed class GaussianNoise(MethodSpec spec) : IPerturbation
{
    readonly double _sigma = spec.Double("sigma", 0.05, 0, 10);

    public string Name => "noise";

    public IReadOnlyDictionary<string, string> Parameters => new Dictionary<string, string> { ["sigma"] = _sigma.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    public Tensor Apply(PerturbationInput input)
    {
        var noise = SeededNoise.Normal(input.Seed, input.Images.shape[0], input.Images.shape[1..], input.Images.device);
        using (noise)
            return PixelSpace.Edit(input.Images, input.Preprocessing, pixels => (pixels + noise * _sigma).clamp(0, 1));
    }
}
