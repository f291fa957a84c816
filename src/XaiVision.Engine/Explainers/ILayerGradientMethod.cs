using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// A method whose map is a function of one layer's activations and the target's gradient there (the CAM family): the
/// suite runner can hand it those from a forward and backward it shares with other methods and the prediction.
/// </summary>
public interface ILayerGradientMethod : IExplainer
{
    /// <summary>The layer this method reads on <paramref name="model"/>.</summary>
    string LayerOn(ExplainableModel model);

    /// <summary>
    /// The map [N,H,W] from the layer's activations and ∂ target / ∂ activations (both as the layer output them); the images and
    /// their target classes [N] are there for methods that also score masked inputs (Score-CAM).
    /// </summary>
    Tensor FromLayer(ExplainableModel model, Tensor activations, Tensor gradients, Tensor images, Tensor targets);
}
