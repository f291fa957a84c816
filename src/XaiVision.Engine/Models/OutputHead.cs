using static TorchSharp.torch;

namespace XaiVision.Engine.Models;

/// <summary>
/// How the network's logits become class probabilities. <see cref="Softmax"/> (the default): one class per image, the
/// probabilities sum to one. <see cref="Sigmoid"/>: a multi-label model, each class's probability σ(logit) on its own, so an image
/// may have several positive labels or none (explain them all with the <c>positive</c> target). Either way the methods explain
/// the pre-activation logit (our target convention); the head decides the probabilities that predictions, metrics and Rise read.
/// </summary>
public enum OutputHead
{
    Softmax,
    Sigmoid,
}

public static class OutputHeads
{
    public static OutputHead Parse(string? text) => (text ?? "softmax").Trim().ToLowerInvariant() switch
    {
        "" or "softmax" => OutputHead.Softmax,
        "sigmoid" or "multi-label" => OutputHead.Sigmoid,
        _ => throw new XaiVisionException($"Head '{text}' is not softmax (one class per image) or sigmoid (multi-label)."),
    };

    /// <summary><see cref="Parse"/>, or null for a name it refuses (the validator reports those).</summary>
    public static OutputHead? TryParse(string? text) => Parsed.OrNull(() => Parse(text));

    public static string Name(this OutputHead head) => head == OutputHead.Sigmoid ? "sigmoid" : "softmax";

    /// <summary>Class probabilities [N, C] from logits [N, C] under <paramref name="head"/>.</summary>
    public static Tensor Probabilities(this OutputHead head, Tensor logits) => head == OutputHead.Sigmoid ? logits.sigmoid() : logits.softmax(1);
}
