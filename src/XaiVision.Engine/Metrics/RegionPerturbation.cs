using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Region perturbation (Samek et al. 2017, "Evaluating the visualization of what a deep neural network has learned"; Quantus
/// <c>RegionPerturbation</c>): <c>patch</c>×<c>patch</c> blocks (<see cref="PatchGrid"/>) ranked by their relevance, most relevant
/// first (<c>order=morf</c>) or least (<c>lerf</c>), set to the image's darkest value one more per step for <c>regions</c> (100)
/// steps; the curve is the drop of the explained class's probability, f(x) − f(x̃), after each step, the score its
/// trapezoid area with spacing 1. Higher is better for MoRF, lower for LeRF. Unlike our <c>aopc-morf</c> (uniform-noise fill,
/// averaged), this is Quantus's definition. Cost: <c>regions</c> forward passes per image.
/// </summary>
public sealed class RegionPerturbation(int patch, bool mostRelevantFirst, int regions, int maxBatch) : IMetric
{
    public string Name => mostRelevantFirst ? "region-perturbation" : "region-perturbation-lerf";
    public MetricCategory Category => MetricCategory.Faithfulness;
    public string Definition => $"Area under the drop of the class's probability as patches are replaced, {(mostRelevantFirst ? "most" : "least")} relevant first (Samek et al. 2017).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection>
    {
        [Name] = mostRelevantFirst ? MetricDirection.HigherIsBetter : MetricDirection.LowerIsBetter,
    };
    public IReadOnlyDictionary<string, CurveAxis> Curves => new Dictionary<string, CurveAxis>
    {
        [Name] = new($"{Name}: drop of the explained class's probability as {patch}×{patch} patches turn black, {(mostRelevantFirst ? "most" : "least")} relevant first", -1, 1),
    };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        var grid = new PatchGrid(c.Maps.shape[1], c.Maps.shape[2], patch);
        var rank = grid.PixelRanks(RegionRemoval.Ranks(grid.Sums(c.Maps.to(ScalarType.Float32)), ascending: !mostRelevantFirst));
        int steps = Math.Min(regions, grid.Count);
        var reference = RegionRemoval.Reference(c, maxBatch, probability: true);
        var curves = RegionRemoval.Scores(c.Model, c.Images, c.Targets, rank, 1, steps, cumulative: true, probability: true, maxBatch);
        return RegionRemoval.AreaResults(Name, curves.Select((curve, i) => curve.Select(s => reference[i] - s).ToArray()));
    }
}
