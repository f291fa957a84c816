namespace XaiVision.Contracts;

/// <summary>
/// Method, perturbation and metric strings as the CLI takes them (e.g. <c>integrated-gradients(steps=32)</c>), the seed, and
/// <c>layerSweep</c>: Grad-CAM and LayerCAM at every block's output and each LRP method's relevance at every layer, per image.
/// </summary>
public sealed record SuiteDefinition
{
    public IReadOnlyList<string> Explainers { get; init; } = ["grad-cam"];
    public IReadOnlyList<string> Perturbations { get; init; } = [];
    public IReadOnlyList<string> Metrics { get; init; } = [];
    public long Seed { get; init; }
    public bool LayerSweep { get; init; }
}
