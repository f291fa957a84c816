using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Baseline "explainer": a Gaussian centred on the image, σ = <c>sigma</c> × side (default 0.25) —
/// the centre bias of photographs; a method that does not beat it has learned nothing about the image.
/// </summary>
public sealed class CenterBaseline(MethodSpec spec) : IExplainer
{
    readonly double _sigma = spec.Double("sigma", 0.25, 0.01, 10);

    public string Name => "center";

    public bool KeepsMapInBFloat16 => true; // the model is not used

    public IReadOnlyDictionary<string, string> Describe(ExplainableModel model) =>
        new Dictionary<string, string> { ["sigma"] = _sigma.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    public Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        long h = images.shape[2], w = images.shape[3];
        var y = (arange(h, dtype: ScalarType.Float32, device: images.device) - (h - 1) / 2.0) / (_sigma * h);
        var x = (arange(w, dtype: ScalarType.Float32, device: images.device) - (w - 1) / 2.0) / (_sigma * w);
        var map = (-(y.view(-1, 1).pow(2) + x.view(1, -1).pow(2)) / 2).exp();
        return map.unsqueeze(0).expand(images.shape[0], h, w).contiguous().MoveToOuterDisposeScope();
    }
}
