using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Consistency (Dasgupta, Frost and Moshkovitz 2022, "Framework for evaluating faithfulness of local explanations", ICML; Quantus
/// <c>Consistency</c>): the maps are discretised — the |map| averaged over a <c>grid</c>×<c>grid</c> of cells (or per pixel at
/// <c>grid</c> = 0), the label being the set of its <c>n</c> most relevant cells — and an image scores the share of the other
/// images of the batch with the same label that the model predicts the same class for (0 when no other image shares it). Higher
/// is better. A batch-level score, as in Quantus: it depends on the images evaluated together (a shard's batch of the job).
/// Quantus's default discretisation, <c>top_n_sign</c>, takes the signs of the map's first five values (its top-left pixels, not
/// its top five), which after its absolute value are nearly always all 1: every image then shares one label. Ours takes the top
/// <c>n</c> as the name says; the reference hands Quantus the same discretisation. Cost: one forward pass per image.
/// </summary>
public sealed class Consistency(int top, int grid) : IMetric
{
    public string Name => "consistency";
    public MetricCategory Category => MetricCategory.Robustness;
    public string Definition => "Share of the batch's images with the same discretised map that get the same prediction (Dasgupta et al. 2022); batch-relative.";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.HigherIsBetter };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        long n = c.Maps.shape[0];
        var labels = Labels(c.Maps.to(ScalarType.Float64).abs());
        Tensor predicted;
        using (no_grad()) predicted = c.Model.Forward(c.Images).argmax(1);
        var classes = predicted.cpu().data<long>().ToArray();
        return Enumerable.Range(0, (int)n).Select(i =>
        {
            var same = Enumerable.Range(0, (int)n).Where(j => j != i && labels[j] == labels[i]).ToList();
            return (MetricResult)new Dictionary<string, double> { [Name] = same.Count == 0 ? 0 : same.Count(j => classes[j] == classes[i]) / (double)same.Count };
        }).ToList();
    }

    /// <summary>Each map's label: the sorted indices of its <c>top</c> most relevant cells (ties: the lower index first), as text.</summary>
    List<string> Labels(Tensor maps)
    {
        long n = maps.shape[0];
        var cells = grid > 0 ? nn.functional.adaptive_avg_pool2d(maps.unsqueeze(1), [grid, grid]).reshape(n, -1) : maps.reshape(n, -1);
        var values = cells.cpu();
        return Enumerable.Range(0, (int)n).Select(i =>
        {
            var row = values[i].data<double>().ToArray();
            var chosen = Enumerable.Range(0, row.Length).OrderByDescending(k => row[k]).ThenBy(k => k).Take(top).Order();
            return string.Join(',', chosen);
        }).ToList();
    }
}
