using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Bench;

/// <summary>The least work a gradient method can do: one forward and one backward to the input and/or one layer's output.</summary>
public static class Floors
{
    public static void Backward(ExplainableModel model, Tensor images, Tensor targets, string? layer, bool input)
    {
        Tensor? activation = null;
        var hook = layer is null ? null : model.FeatureMapLayer(layer).register_forward_hook((_, _, output) =>
        {
            activation = (input ? output.alias() : output.detach().requires_grad_(true)).DetachFromDisposeScope();
            return activation.alias();
        });
        try
        {
            using var grad = enable_grad();
            var x = input ? images.detach().requires_grad_(true) : images;
            var logits = model.Forward(x);
            var sources = new List<Tensor>();
            if (input) sources.Add(x);
            if (activation is not null) sources.Add(activation);
            autograd.grad([logits.gather(1, targets.unsqueeze(1)).sum()], sources);
        }
        finally
        {
            hook?.remove();
            activation?.Dispose();
        }
    }
}
