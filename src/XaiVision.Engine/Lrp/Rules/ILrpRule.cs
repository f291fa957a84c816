namespace XaiVision.Engine.Lrp.Rules;

/// <summary>
/// An LRP rule in "modified forward" form. Relevance is carried as R = y ⊙ ∂out/∂y through the
/// network; a rule returns z · (y / z).detach() for its own z, which equals y in value but sends
/// the gradient J_zᵀ(R / z) backwards — so input ⊙ gradient at every layer is that rule's
/// relevance (Montavon et al., "Layer-wise relevance propagation: an overview", 2019, §10.2).
/// A layer without a rule propagates the plain gradient, which is LRP-0.
/// </summary>
public interface ILrpRule
{
    string Name { get; }

    /// <summary>True for rules that redistribute onto something other than the layer input (flat, w², z^B): first layer only.</summary>
    bool ReplacesInput => false;

    TorchSharp.torch.Tensor Forward(LrpCall call);
}
