using XaiVision.Engine.Explainers;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Perturbations;

namespace XaiVision.Engine.Suites;

/// <summary>
/// What a <see cref="SuiteRunner"/> runs on every image: the compiled explainers × perturbations × metrics (<see cref="CompiledSuite"/>),
/// for which targets, with which seed; and the layer sweep (<see cref="LayerSweep"/>). The user's own words for it are the job spec's
/// <c>SuiteDefinition</c>.
/// </summary>
public sealed record SuiteRun(
    IReadOnlyList<IExplainer> Explainers,
    TargetSelection Target,
    long Seed = 0,
    IReadOnlyList<IPerturbation>? Perturbations = null,
    IReadOnlyList<IMetric>? Metrics = null)
{
    public IReadOnlyList<IPerturbation> PerturbationList => Perturbations ?? [];
    public IReadOnlyList<IMetric> MetricList => Metrics ?? [];

    /// <summary>Also explain every layer (for each image's first target): <see cref="Suites.LayerSweep"/>.</summary>
    public bool LayerSweep { get; init; }
}
