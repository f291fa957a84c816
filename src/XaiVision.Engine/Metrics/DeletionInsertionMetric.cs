namespace XaiVision.Engine.Metrics;

/// <summary>Deletion or insertion AUC (see <see cref="DeletionInsertion"/>) as a suite metric, with its curve for report charts.</summary>
public sealed class DeletionInsertionMetric(bool insertion, int steps, int maxBatch) : IMetric
{
    readonly DeletionInsertion _curve = new(insertion, steps, maxBatch);

    public string Name => _curve.Name;
    public MetricCategory Category => MetricCategory.Faithfulness;
    public string Definition => insertion ? "Area under the explained class's probability as pixels are put back into a blurred image, most relevant first (Petsiuk et al. 2018)."
        : "Area under the explained class's probability as pixels are deleted, most relevant first (Petsiuk et al. 2018).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = _curve.Direction };
    public IReadOnlyDictionary<string, CurveAxis> Curves => new Dictionary<string, CurveAxis>
    {
        [Name] = new($"{Name}: probability of the explained class as pixels are {(insertion ? "inserted" : "deleted")}, most relevant first", 0, 1),
    };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c) =>
        _curve.Evaluate(c.Model, c.Images, c.Maps, c.Targets).Select(curve => new MetricResult(
            new Dictionary<string, double> { [Name] = curve.Auc },
            new Dictionary<string, MetricCurve> { [Name] = new(curve.Scores.Select(s => (double)s).ToList()) })).ToList();
}
