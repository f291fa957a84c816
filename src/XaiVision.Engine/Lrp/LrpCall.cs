using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp;

/// <summary>
/// One layer's forward call as a rule sees it: the module, its input a and output y, and the
/// place to register extra input leaves (rules that replace the input: flat, w², z^B).
/// </summary>
public sealed record LrpCall(string LayerName, nn.Module Module, Tensor Input, Tensor Output, LrpLeaves Leaves, LrpInputBounds Bounds);

/// <summary>Per-channel box bounds in normalised input space (pixel values 0 and 1 after normalisation).</summary>
public sealed record LrpInputBounds(float[] Low, float[] High);

/// <summary>
/// Tensors besides the input whose (leaf ⊙ gradient) also counts as input relevance. First-layer
/// rules register them; the explainer sums input ⊙ ∂/∂input + Σ leaf ⊙ ∂/∂leaf. They are created
/// inside the network's forward, whose dispose scopes (TorchVision's VGG and ResNet open one) would
/// free them before the backward pass, so they are kept out of every scope and freed here.
/// </summary>
public sealed class LrpLeaves : IDisposable
{
    readonly List<Tensor> _leaves = new();

    public IReadOnlyList<Tensor> All => _leaves;

    public Tensor Add(Tensor leaf)
    {
        var t = leaf.detach().requires_grad_(true).DetachFromDisposeScope();
        _leaves.Add(t);
        return t;
    }

    public void Dispose()
    {
        foreach (var leaf in _leaves) leaf.Dispose();
        _leaves.Clear();
    }
}
