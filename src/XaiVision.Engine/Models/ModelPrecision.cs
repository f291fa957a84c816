namespace XaiVision.Engine.Models;

/// <summary>
/// The network's number format. <see cref="BFloat16"/> stores weights and computes activations in bfloat16 while
/// inputs and logits stay float32 (the cast sits inside <see cref="ExplainableModel.Forward"/>). Measured with native bf16
/// arithmetic (README "Reduced precision"): forward-only work keeps its numbers, gradient maps do not (r 0.92–0.99), so a bf16
/// model carries a float32 twin and methods that read gradients run there (see <c>ReducedPrecision</c> among the explainers).
/// </summary>
public enum ModelPrecision
{
    Float32,
    BFloat16,
}

public static class ModelPrecisions
{
    public static ModelPrecision Parse(string? text) => (text ?? "fp32").Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" => ModelPrecision.Float32,
        "bf16" or "bfloat16" => ModelPrecision.BFloat16,
        _ => throw new XaiVisionException($"Precision '{text}' is not fp32 or bf16."),
    };

    /// <summary><see cref="Parse"/>, or null for a name it refuses (the validator reports those).</summary>
    public static ModelPrecision? TryParse(string? text) => Parsed.OrNull(() => Parse(text));
}
