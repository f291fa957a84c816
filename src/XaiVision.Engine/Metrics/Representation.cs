using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// A layer's output for a batch, flattened per image [N, features] (Quantus's <c>get_hidden_representations</c> for one layer):
/// caught by a forward hook, or, in a TorchScript model, the activation its forward returns.
/// </summary>
internal static class Representation
{
    public static Tensor Of(ExplainableModel model, Tensor images, string? layer)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long n = images.shape[0];
        if (model.Network is TorchScriptNetwork script)
        {
            if (!script.ReturnsActivation)
                throw new XaiVisionException("relative-representation-stability needs the TorchScript model to return (logits, activation): "
                    + "export it with tools/export-torchscript.py --layer <layer>.");
            if (layer is not null && layer != TorchScriptNetwork.ActivationLayer)
                throw new XaiVisionException($"A TorchScript model has one reachable layer, '{TorchScriptNetwork.ActivationLayer}' "
                    + $"(the activation it returns); '{layer}' cannot be reached inside it.");
            model.Forward(images);
            return script.LastActivation!.reshape(n, -1).to(ScalarType.Float64).MoveToOuterDisposeScope();
        }
        Tensor? caught = null;
        var name = layer ?? model.Architecture.DefaultCamLayer;
        var hook = model.Layer(name).register_forward_hook((_, _, output) =>
        {
            caught = output.detach().reshape(n, -1).to(ScalarType.Float64); // the scope below frees it, or hands it out
            return output;
        });
        try
        {
            model.Forward(images);
        }
        finally
        {
            hook.remove();
        }
        return caught?.MoveToOuterDisposeScope() ?? throw new XaiVisionException($"Layer '{name}' was not used by the forward pass.");
    }
}
