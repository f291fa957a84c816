using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>A method whose map is a function of the images and ∂ target / ∂ input (saliency, input × gradient).</summary>
public interface IInputGradientMethod : IExplainer
{
    Tensor FromInputGradient(Tensor images, Tensor gradients);
}
