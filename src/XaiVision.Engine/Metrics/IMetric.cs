using XaiVision.Engine.Explainers;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Everything a metric may need for a batch: model, explainer (for metrics that re-explain), the
/// normalised images [N,C,H,W], the explained classes [N], their maps [N,H,W], optional
/// ground-truth masks (H×W, true = object) and the job's seed.
/// </summary>
public sealed record MetricContext(ExplainableModel Model, IExplainer Explainer, Tensor Images, Tensor Targets, Tensor Maps,
    IReadOnlyList<bool[]?> Masks, long Seed);

/// <summary>
/// A quality measure of explanations (Quantus's shape). Each metric names the values it produces with their direction
/// and its category (faithfulness, robustness, randomisation, localisation), names its curves with how to draw them,
/// and returns one <see cref="MetricResult"/> per image. Reports read these declarations; they know no metric by name.
/// </summary>
public interface IMetric
{
    string Name { get; }
    MetricCategory Category { get; }

    /// <summary>What the metric measures, in one line with its source, for the report.</summary>
    string Definition { get; }
    IReadOnlyDictionary<string, MetricDirection> Outputs { get; }
    IReadOnlyDictionary<string, CurveAxis> Curves => new Dictionary<string, CurveAxis>();
    IReadOnlyList<MetricResult> Evaluate(MetricContext context);

    /// <summary>Why the metric cannot run on models of <paramref name="architecture"/>, in one line (the job is refused with it); null when it can.</summary>
    string? Refusal(Architecture architecture) => null;

    /// <summary>Whether <see cref="EvaluateMany"/> does less than one <see cref="Evaluate"/> per method (the suite runner then calls it once).</summary>
    bool SharesAcrossMethods => false;

    /// <summary>
    /// The maps of several methods for the same images and targets, one result list per method. A metric whose perturbed
    /// inputs do not depend on the map (faithfulness correlation's random subsets) overrides this to run their forwards once
    /// for all methods; the default evaluates each method on its own.
    /// </summary>
    IReadOnlyList<IReadOnlyList<MetricResult>> EvaluateMany(MetricContext context, IReadOnlyList<(IExplainer Explainer, Tensor Maps)> maps) =>
        maps.Select(m => Evaluate(context with { Explainer = m.Explainer, Maps = m.Maps })).ToList();
}
