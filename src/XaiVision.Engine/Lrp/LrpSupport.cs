using XaiVision.Engine.Lrp.Composites;
using XaiVision.Engine.Models;

namespace XaiVision.Engine.Lrp;

/// <summary>Which LRP a network is offered, and why not: one answer for validation, the suite and the explainers themselves.</summary>
public static class LrpSupport
{
    const string Vit = "vit";

    /// <summary>Why <paramref name="composite"/>'s rules cannot explain <paramref name="architecture"/> (null: they can).</summary>
    public static string? Refusal(Architecture architecture, Composite composite)
    {
        if (architecture.LrpRefusal is { } refusal) return refusal;
        bool transformer = architecture.Family == Vit;
        if (transformer && !composite.ForTransformers)
            return $"'{composite.Name}' is not offered for ViT: attention multiplies token values by their softmax weights and LayerNorm divides by a "
                + "statistic of its input, which these rules do not conserve; use lrp:attnlrp (AttnLRP, LXT's rules for ViT), or the gradient, CAM or "
                + "black-box methods.";
        if (!transformer && composite.ForTransformers)
            return $"'{composite.Name}' is for vision transformers (its rules are for attention, LayerNorm and GELU); for '{architecture.Name}' use "
                + "lrp:epsilon-plus-flat, lrp:epsilon-gamma-box or lrp-composite.";
        return null;
    }

    /// <summary>Why Concept Relevance Propagation cannot explain <paramref name="architecture"/> (null: it can).</summary>
    public static string? ConceptRefusal(Architecture architecture, Composite composite) =>
        architecture.Family == Vit
            ? "CRP is not offered for ViT: its concepts are channels of convolutional feature maps, and a transformer's tokens mix every patch; "
                + "use lrp:attnlrp for its relevance maps."
            : Refusal(architecture, composite);
}
