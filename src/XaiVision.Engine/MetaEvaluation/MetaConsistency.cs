namespace XaiVision.Engine.MetaEvaluation;

/// <summary>
/// How far one metric output can be trusted on this model, per perturbation kind (model or input), each in [0, 1], higher better:
/// <list type="bullet">
/// <item><c>IacNr</c>: after minor perturbations, the Wilcoxon p-value that the scores are unchanged (noise resilience, per method).</item>
/// <item><c>IacAr</c>: after disruptive ones, 1 − that p-value (adversary reactivity).</item>
/// <item><c>IecNr</c>: after minor ones, the share of (image, rank) places where the methods' ranking is unchanged.</item>
/// <item><c>IecAr</c>: after disruptive ones, the share of (image, method) scores that got worse by the metric's direction.</item>
/// </list>
/// <c>Score</c> is their mean: MetaQuantus's meta-consistency (MC). A part with nothing to judge (no image kept its prediction,
/// say) is null and left out of the mean. <c>Images</c>: the sample's size.
/// </summary>
public sealed record MetaConsistency(string Output, string Metric, string Kind, double? IacNr, double? IacAr, double? IecNr, double? IecAr, double? Score, int Images)
{
    public static MetaConsistency Of(string output, string metric, string kind, double iacNr, double iacAr, double iecNr, double iecAr, int images)
    {
        double? Part(double v) => double.IsFinite(v) ? v : null;
        var parts = new[] { iacNr, iacAr, iecNr, iecAr }.Where(double.IsFinite).ToList();
        return new(output, metric, kind, Part(iacNr), Part(iacAr), Part(iecNr), Part(iecAr), parts.Count == 0 ? null : parts.Average(), images);
    }
}
