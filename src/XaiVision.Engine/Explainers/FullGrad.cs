using TorchSharp.Modules;
using XaiVision.Engine.Models;
using XaiVision.Engine.Native;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// FullGrad (Srinivas and Fleuret 2019, "Full-gradient representation for neural network visualization", NeurIPS;
/// pytorch-grad-cam <c>FullGrad</c>): the input-gradient part |x ⊙ ∂y/∂x| plus, for every Conv2d and BatchNorm2d with a bias,
/// the bias-gradient part Σ_c ψ(|b_c · ∂y/∂z_c|), z the layer's output and, for BatchNorm, the effective bias
/// β − μγ/√(σ² + ε). ψ scales each channel's map to [0, 1] ((m − min) / (max + 10⁻⁷)) and resizes it to the input bilinearly; the
/// input part is scaled per colour channel. One forward and one backward; no layer to choose. A TorchScript model hides its
/// layers: refused with the reason. Summing the channels before the resize is the same map (the resize is linear) at a fraction
/// of the memory.
/// </summary>
public sealed class FullGrad : GradientExplainer
{
    public override string Name => "full-grad";

    public override Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        if (model.Network is TorchScriptNetwork)
            throw new XaiVisionException("full-grad reads the gradient at every convolution and batch norm, which a TorchScript model hides; load the model's weights instead.");
        using var scope = NewDisposeScope();
        var outputs = new List<(Tensor Output, Tensor Bias)>();
        var undo = new List<Action>();
        try
        {
            foreach (var (_, module) in ModuleTree.Leaves(model.Network))
            {
                if (Bias(module) is not { } bias) continue;
                var hook = ((nn.Module<Tensor, Tensor>)module).register_forward_hook((_, _, output) =>
                {
                    // Our own handle on the output (a Sequential disposes what flows through it); the network goes on with a copy, so
                    // an in-place activation after the layer cannot change the tensor whose gradient we read.
                    var kept = output.alias().DetachFromDisposeScope();
                    outputs.Add((kept, bias));
                    return kept.clone();
                });
                undo.Add(() => { hook.remove(); bias.Dispose(); });
            }
            using var grad = enable_grad();
            var x = images.detach().requires_grad_(true);
            var logits = model.Forward(x);
            var gradients = Backward.Grad([TargetScores.Sum(logits, targets)], [x, .. outputs.Select(o => o.Output)]);
            var map = CamExplainer.ScaledToUnit((x * gradients[0]).abs()).sum(1);
            foreach (var ((_, bias), gradient) in outputs.Zip(gradients.Skip(1)))
                map += CamExplainer.Upsample(CamExplainer.ScaledToUnit((bias.to(gradient.dtype).view(1, -1, 1, 1) * gradient).abs()).sum(1), images);
            return map.detach().MoveToOuterDisposeScope();
        }
        finally
        {
            foreach (var action in undo) action();
            foreach (var (output, _) in outputs) output.Dispose();
        }
    }

    /// <summary>A layer's bias as the gradient sees it: a convolution's own, a batch norm's effective one; null where none.</summary>
    static Tensor? Bias(nn.Module module)
    {
        using var _ = no_grad();
        return module switch
        {
            Conv2d { bias: { } bias } => bias.detach().clone().DetachFromDisposeScope(),
            BatchNorm2d { bias: { } beta, weight: { } gamma, running_mean: { } mean, running_var: { } variance } norm =>
                (beta - mean * gamma / (variance + norm.eps).sqrt()).DetachFromDisposeScope(),
            _ => null,
        };
    }
}
