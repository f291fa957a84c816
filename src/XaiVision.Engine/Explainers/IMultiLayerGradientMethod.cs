using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// A method whose map combines several layers' activations and target gradients (a CAM fused over layers): the suite runner
/// hands it every layer's from the forward and backward it shares with the other methods.
/// </summary>
public interface IMultiLayerGradientMethod : IExplainer
{
    /// <summary>The layers this method reads on <paramref name="model"/>, in order.</summary>
    IReadOnlyList<string> LayersOn(ExplainableModel model);

    /// <summary>The map [N,H,W] from each layer's activations and ∂ target / ∂ activations, in <see cref="LayersOn"/>'s order.</summary>
    Tensor FromLayers(ExplainableModel model, IReadOnlyList<Tensor> activations, IReadOnlyList<Tensor> gradients, Tensor images, Tensor targets);
}
