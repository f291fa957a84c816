namespace XaiVision.Contracts;

/// <summary>
/// A model: architecture name, weights (<c>container/path</c> in blob storage), optional class-name
/// file, input size and normalisation (defaults: the architecture's, ImageNet mean/std), a device hint and the
/// network's precision (<c>fp32</c>, the default, or <c>bf16</c>).
/// </summary>
public sealed record ModelSource
{
    public string Architecture { get; init; } = "";
    public string? Weights { get; init; }
    public string? Labels { get; init; }
    public int? InputSize { get; init; }
    public int? ResizeTo { get; init; }
    public IReadOnlyList<float>? Mean { get; init; }
    public IReadOnlyList<float>? Std { get; init; }
    public string? Device { get; init; }
    public string? Precision { get; init; }
}
