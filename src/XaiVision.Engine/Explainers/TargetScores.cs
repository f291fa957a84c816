using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

internal static class TargetScores
{
    /// <summary>Σ_i logits[i, target_i]: its gradient holds each image's own target gradient (images are independent in eval mode).</summary>
    public static Tensor Sum(Tensor logits, Tensor targets) => logits.gather(1, targets.unsqueeze(1)).sum();
}
