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
        // A network's forward may free what it made in a scope of its own (ResNet's blocks do): the copy leaves every scope, and
        // an alias made here takes it into ours.
        var hook = model.Layer(name).register_forward_hook((_, _, output) =>
        {
            caught?.Dispose();
            caught = output.detach().reshape(n, -1).to(ScalarType.Float64).DetachFromDisposeScope();
            return output;
        });
        try
        {
            model.Forward(images);
            return caught?.alias().MoveToOuterDisposeScope() ?? throw new XaiVisionException($"Layer '{name}' was not used by the forward pass.");
        }
        finally
        {
            hook.remove();
            caught?.Dispose();
        }
    }
}
