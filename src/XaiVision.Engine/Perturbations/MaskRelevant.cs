using XaiVision.Engine.Explainers;
using static TorchSharp.torch;

namespace XaiVision.Engine.Perturbations;

/// <summary>
/// Masks the <c>top</c>% most relevant (or the <c>bottom</c>% least relevant) pixels of the
/// explanation with a substrate: <c>mean</c> (the image's mean colour), <c>blur</c> (the image blurred,
/// σ = 5 px) or <c>noise</c> (the mean colour plus Gaussian noise, seeded). The faithful map's top pixels
/// should matter: masking them should change the prediction more than masking its bottom pixels.
/// </summary>
public sealed class MaskRelevant : IPerturbation
{
    static readonly Dictionary<string, string> Substrates = new() { ["mean"] = "mean", ["blur"] = "blur", ["noise"] = "noise" };
    readonly double _percent;
    readonly bool _top;
    readonly string _substrate;

    public MaskRelevant(MethodSpec spec)
    {
        var top = spec.String("top");
        var bottom = spec.String("bottom");
        if (top is not null && bottom is not null) throw new XaiVisionException("Perturbation 'mask': give top or bottom, not both.");
        _top = bottom is null;
        _percent = _top ? spec.Double("top", 20, 0, 100) : spec.Double("bottom", 20, 0, 100);
        _substrate = spec.Choice("substrate", "blur", Substrates);
    }

    public string Name => $"mask-{(_top ? "top" : "bottom")}{_percent.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public bool NeedsMaps => true;

    public IReadOnlyDictionary<string, string> Parameters => new Dictionary<string, string>
    {
        [_top ? "top" : "bottom"] = _percent.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["substrate"] = _substrate,
    };

    public Tensor Apply(PerturbationInput input)
    {
        var maps = input.Maps ?? throw new InvalidOperationException("Perturbation 'mask' needs the explanation maps.");
        using var scope = NewDisposeScope();
        var images = input.Images;
        long n = images.shape[0], pixels = images.shape[2] * images.shape[3];
        long count = (long)Math.Round(_percent / 100 * pixels);
        var order = maps.reshape(n, pixels).to(ScalarType.Float64).sort(dim: 1, descending: _top, stable: true).Indices;
        var chosen = zeros(n, pixels, dtype: ScalarType.Bool, device: images.device);
        if (count > 0) chosen.scatter_(1, order[.., ..(int)count], ones(n, count, dtype: ScalarType.Bool, device: images.device));
        var substrate = Substrate(images, input.Seed);
        return where(chosen.view(n, 1, images.shape[2], images.shape[3]), substrate, images).MoveToOuterDisposeScope();
    }

    Tensor Substrate(Tensor images, long seed)
    {
        var mean = images.mean([2, 3], keepdim: true).expand_as(images);
        switch (_substrate)
        {
            case "blur":
                return PixelSpace.GaussianBlur(images, 5);
            case "noise":
                return mean + SeededNoise.Normal(seed, images.shape[0], images.shape[1..], images.device) * images.std([2, 3], keepdim: true);
            default:
                return mean;
        }
    }
}
