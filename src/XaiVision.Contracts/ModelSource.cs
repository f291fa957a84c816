namespace XaiVision.Contracts;

/// <summary>
/// A model: architecture name (empty or <c>auto</c>: recognised from the weights), weights (<c>container/path</c> in blob
/// storage), optional class-name file (else the checkpoint's class names), input size and normalisation (defaults: the
/// architecture's, ImageNet mean/std), a device hint and the network's precision (<c>fp32</c>, the default, or <c>bf16</c>).
/// A checkpoint is read with <c>weightsKey</c> (which state dict, when it holds several), <c>stripPrefix</c> (a key prefix
/// other than the usual wrappers') and <c>allowExtraKeys</c> (ignore keys the architecture does not have).
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
    public string? WeightsKey { get; init; }
    public string? StripPrefix { get; init; }
    public bool AllowExtraKeys { get; init; }
}
