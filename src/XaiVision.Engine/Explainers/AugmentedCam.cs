using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// A CAM smoothed by test-time augmentation (<c>aug-smooth=true</c>, pytorch-grad-cam's <c>aug_smooth</c> with its default ttach
/// transforms): the map of each of six versions of the image — mirrored or not, times 0.9, 1 or 1.1 (in normalised space) —,
/// each ReLU'd and scaled to [0, 1] per image as pytorch-grad-cam scales a CAM, mirrored back, and averaged. Six passes instead of
/// one, so it runs outside the shared pass. Keeps the method's name.
/// </summary>
public sealed class AugmentedCam(IExplainer inner) : IExplainer
{
    static readonly double[] Factors = [0.9, 1, 1.1];

    public string Name => inner.Name;

    public IExplainer Inner => inner;

    public IReadOnlyDictionary<string, string> Describe(ExplainableModel model) =>
        new Dictionary<string, string>(inner.Describe(model)) { ["aug-smooth"] = "true" };

    public Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        Tensor? sum = null;
        foreach (var mirrored in new[] { false, true })
            foreach (var factor in Factors)
            {
                var augmented = (mirrored ? images.flip(3) : images) * factor;
                var map = Scaled(model, augmented, targets, seed);
                if (mirrored) map = map.flip(2);
                sum = sum is null ? map : sum + map;
            }
        return (sum! / (2 * Factors.Length)).MoveToOuterDisposeScope();
    }

    /// <summary>The inner method's map as pytorch-grad-cam returns it: a CAM ReLU'd and scaled at its layer's resolution, then resized; a fused one scaled after averaging.</summary>
    Tensor Scaled(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        var map = inner is CamExplainer cam
            ? CamExplainer.Upsample(CamExplainer.ScaledToUnit(cam.Coarse(model, images, targets).relu()), images)
            : inner.Explain(model, images, targets, seed);
        return CamExplainer.ScaledToUnit(map.to(ScalarType.Float32));
    }
}
