using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Guided Grad-CAM (Selvaraju et al. 2017, "Grad-CAM: visual explanations from deep networks via gradient-based localization",
/// ICCV; Captum <c>GuidedGradCam</c>): guided backpropagation's gradient per colour channel times Grad-CAM's coarse map at
/// <c>layer</c>, upsampled to the input by nearest neighbour (Captum's default); the map is the largest magnitude over the channels.
/// Two passes, as in Captum: Grad-CAM's to the layer, guided backpropagation's to the input.
/// </summary>
public sealed class GuidedGradCam(MethodSpec spec) : IExplainer
{
    readonly GradCam _gradCam = new(spec);

    public string Name => "guided-grad-cam";

    public IReadOnlyDictionary<string, string> Describe(ExplainableModel model) => _gradCam.Describe(model);

    public Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        var cam = nn.functional.interpolate(_gradCam.Coarse(model, images, targets).unsqueeze(1), [images.shape[2], images.shape[3]], mode: InterpolationMode.Nearest);
        var guided = GuidedBackprop.PerChannel(model, images, targets, deconvolution: false, Name);
        return (guided * cam).abs().amax([1]).MoveToOuterDisposeScope();
    }
}
