using XaiVision.Engine.Explainers;
using static TorchSharp.torch;

namespace XaiVision.Engine.Perturbations;

/// <summary>Gaussian blur of σ = <c>sigma</c> pixels (kernel ±3σ, replicate padding).</summary>
public sealed class GaussianBlur(MethodSpec spec) : IPerturbation
{
    readonly double _sigma = spec.Double("sigma", 1.5, 0.1, 100);

    public string Name => "blur";

    public IReadOnlyDictionary<string, string> Parameters => new Dictionary<string, string> { ["sigma"] = _sigma.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    public Tensor Apply(PerturbationInput input) => PixelSpace.GaussianBlur(input.Images, _sigma);
}
