namespace XaiVision.Contracts;

/// <summary>
/// A model: architecture name (empty or <c>auto</c>: recognised from the weights), weights (<c>container/path</c> in blob
/// storage), optional class-name file (else the checkpoint's class names), input size and normalisation (defaults: the
/// architecture's, ImageNet mean/std), a device hint and the network's precision (<c>fp32</c>, the default, or <c>bf16</c>).
/// A checkpoint is read with <c>weightsKey</c> (which state dict, when it holds several), <c>stripPrefix</c> (a key prefix
/// other than the usual wrappers') and <c>allowExtraKeys</c> (ignore keys the architecture does not have).
/// <c>preprocess</c>: <c>resize-crop</c> (default: shorter side to <c>resizeTo</c>, centre crop of <c>inputSize</c>), <c>resize</c> (shorter
/// side to <c>inputSize</c>, aspect kept, nothing cropped) or <c>none</c> (native size) — the last two explain whole images; VGG then runs
/// its classifier as convolutions and <c>classScore</c> (<c>mean</c>, the default, or <c>max</c>) pools its class-score map.
/// <c>head</c>: how logits become probabilities, <c>softmax</c> (the default) or <c>sigmoid</c> (a multi-label model; with the target
/// <c>positive</c>, every label above the threshold is explained).
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
    public string? Preprocess { get; init; }
    public string? ClassScore { get; init; }
    public string? Head { get; init; }
    /// <summary>
    /// As a baseline only: an earlier job's id. Its stored maps (thumbnails), predictions and metric values are the baseline — no
    /// model runs; the other fields stay empty.
    /// </summary>
    public string? Job { get; init; }
}
