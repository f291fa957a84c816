using TorchSharp.Modules;
using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Canonizers;

/// <summary>
/// Merges each BatchNorm into the convolution before it (Zennit's MergeBatchNorm):
/// W' = W·γ/σ, b' = (b − μ)·γ/σ + β with σ = √(var + eps), and makes the BatchNorm an identity.
/// Reversible: the same parameter objects get their exact original values back (and an added bias is removed),
/// so the model is bit-identical afterwards.
/// </summary>
public static class BatchNormCanonizer
{
    public static IDisposable Apply(IReadOnlyList<LayerInfo> layers)
    {
        var undo = new Undo();
        try
        {
            for (int i = 0; i < layers.Count; i++)
            {
                if (layers[i].Module is not BatchNorm2d bn) continue;
                var conv = i > 0 ? layers[i - 1].Module as Conv2d : null;
                if (conv is null || conv.out_channels != bn.num_features)
                    throw new XaiVisionException($"BatchNorm '{layers[i].Name}' does not follow a convolution with {bn.num_features} channels; it cannot be merged for LRP.");
                Merge(conv, bn, undo);
            }
        }
        catch
        {
            undo.Dispose();
            throw;
        }
        return undo;
    }

    static void Merge(Conv2d conv, BatchNorm2d bn, Undo undo)
    {
        // In place: TorchSharp disposes a parameter that is replaced, so the originals are overwritten and restored from copies.
        var weight = conv.weight!;
        var originalWeight = weight.detach().clone().DetachFromDisposeScope();
        var originalBias = conv.bias?.detach().clone().DetachFromDisposeScope();
        bool addedBias = conv.bias is null;
        using (no_grad())
        {
            using var scope = NewDisposeScope();
            var scale = (bn.weight ?? ones(bn.num_features, dtype: weight.dtype, device: weight.device)) / (bn.running_var! + bn.eps).sqrt();
            var shift = bn.bias ?? zeros(bn.num_features, dtype: weight.dtype, device: weight.device);
            var mergedBias = ((conv.bias ?? zeros_like(bn.running_mean!)) - bn.running_mean!) * scale + shift;
            weight.mul_(scale.view(-1, 1, 1, 1));
            if (addedBias) conv.bias = new Parameter(mergedBias.detach().clone().DetachFromDisposeScope(), requires_grad: false);
            else conv.bias!.copy_(mergedBias);
        }
        var hook = bn.register_forward_hook((_, input, _) => input.alias());
        undo.Add(() =>
        {
            hook.remove();
            using (no_grad())
            {
                weight.copy_(originalWeight);
                if (addedBias) conv.bias = null;
                else conv.bias!.copy_(originalBias!);
            }
            originalWeight.Dispose();
            originalBias?.Dispose();
        });
    }

    sealed class Undo : IDisposable
    {
        readonly Stack<Action> _actions = new();

        public void Add(Action action) => _actions.Push(action);

        public void Dispose()
        {
            while (_actions.TryPop(out var action)) action();
        }
    }
}
