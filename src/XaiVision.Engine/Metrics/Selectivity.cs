using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Selectivity (Montavon et al. 2018, "Methods for interpreting and understanding deep neural networks"; Quantus
/// <c>Selectivity</c>): <c>patch</c>×<c>patch</c> blocks (<see cref="PatchGrid"/>), most relevant first, set to the image's darkest
/// value one more per step until none is left; the curve is the explained class's probability after each step, the score
/// its trapezoid area with spacing 1. Lower is better (a quick fall). Cost: one forward pass per patch per image.
/// </summary>
public sealed class Selectivity(int patch, int maxBatch) : IMetric
{
    public string Name => "selectivity";
    public MetricCategory Category => MetricCategory.Faithfulness;
    public string Definition => "Area under the explained class's probability as patches are removed, most relevant first (Montavon et al. 2018).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.LowerIsBetter };
    public IReadOnlyDictionary<string, CurveAxis> Curves => new Dictionary<string, CurveAxis>
    {
        [Name] = new($"selectivity: probability of the explained class as {patch}×{patch} patches turn black, most relevant first", 0, 1),
    };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        var grid = new PatchGrid(c.Maps.shape[1], c.Maps.shape[2], patch);
        var rank = grid.PixelRanks(RegionRemoval.Ranks(grid.Sums(c.Maps.to(ScalarType.Float32))));
        var curves = RegionRemoval.Scores(c.Model, c.Images, c.Targets, rank, 1, grid.Count, cumulative: true, probability: true, maxBatch);
        return RegionRemoval.AreaResults(Name, curves);
    }
}
