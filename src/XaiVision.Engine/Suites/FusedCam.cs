using XaiVision.Engine.Explainers;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Suites;

/// <summary>
/// One CAM method over several layers (<c>layers=a+b+…</c>), fused as pytorch-grad-cam fuses its <c>target_layers</c>: each layer's
/// map ReLU'd, scaled to [0, 1] per image ((m − min) / (max + 10⁻⁷)) at the layer's resolution, resized bilinearly to the input,
/// and the layers averaged. A deep layer says which object, a shallow one where exactly: fused, a small cue (the shortcut
/// demo's 6-pixel tag) keeps its shape. Named <c>{method}-fused</c>; one shared forward and backward for every layer (here, beside
/// the shared pass it runs in, rather than among the methods).
/// </summary>
public sealed class FusedCam(IReadOnlyList<CamExplainer> perLayer) : IMultiLayerGradientMethod
{
    public string Name => perLayer[0].Name + "-fused";

    public IReadOnlyList<CamExplainer> Layers => perLayer;

    public IReadOnlyDictionary<string, string> Describe(ExplainableModel model) =>
        new Dictionary<string, string> { ["layers"] = string.Join("+", LayersOn(model)) };

    public IReadOnlyList<string> LayersOn(ExplainableModel model) => perLayer.Select(m => m.LayerOn(model)).ToList();

    public Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        if (model.Network is TorchScriptNetwork)
            throw new XaiVisionException($"{Name} reads several layers; a TorchScript model hands over one ('{TorchScriptNetwork.ActivationLayer}'): load the model's weights instead.");
        var perImage = targets.data<long>().Select(t => new[] { t }).ToArray();
        using var scope = NewDisposeScope();
        var pass = SharedPass.Run(model, images, [this], _ => perImage);
        return pass.Maps[this].MoveToOuterDisposeScope();
    }

    public Tensor FromLayers(ExplainableModel model, IReadOnlyList<Tensor> activations, IReadOnlyList<Tensor> gradients, Tensor images, Tensor targets)
    {
        using var scope = NewDisposeScope();
        Tensor? sum = null;
        for (int l = 0; l < perLayer.Count; l++)
        {
            var coarse = perLayer[l].CoarseFromLayer(model, activations[l], gradients[l], images, targets).relu();
            var resized = CamExplainer.Upsample(CamExplainer.ScaledToUnit(coarse), images);
            sum = sum is null ? resized : sum + resized;
        }
        return (sum! / perLayer.Count).MoveToOuterDisposeScope();
    }
}
