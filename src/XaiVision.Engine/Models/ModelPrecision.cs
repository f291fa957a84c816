namespace XaiVision.Engine.Models;

/// <summary>
/// The network's number format. <see cref="BFloat16"/> stores weights and computes activations in bfloat16 while
/// inputs, logits, gradients w.r.t. the input and maps stay float32 (the cast sits inside
/// <see cref="ExplainableModel.Forward"/>, so autograd carries gradients across it). Measured against fp32 in
/// bench/README.md before use: Grad-CAM and the LRP composite keep their maps (r ≥ 0.99 on VGG16), ε-LRP does not.
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
}
