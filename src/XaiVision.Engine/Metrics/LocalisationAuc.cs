namespace XaiVision.Engine.Metrics;

/// <summary>
/// AUC (Fawcett 2006, "An introduction to ROC analysis"; Quantus <c>AUC</c>): the area under the ROC curve of the signed map as a
/// detector of the ground-truth mask's pixels. Computed as the Mann–Whitney statistic — the chance that a mask pixel outranks a
/// background pixel, ties counting one half — which equals the trapezoid area under scikit-learn's <c>roc_curve</c> that Quantus
/// takes. 1 for a perfect map, 0.5 for chance; higher is better. A mask that covers the whole image has no score.
/// </summary>
public sealed class LocalisationAuc() : MapOnlyMetric(absolute: false)
{
    public override string Name => "auc";
    public override MetricCategory Category => MetricCategory.Localisation;
    public override string Definition => "ROC AUC of the map as a detector of the object mask (Fawcett 2006).";
    public override MetricDirection Direction => MetricDirection.HigherIsBetter;

    protected override double? Score(double[] map, bool[]? mask, int width)
    {
        var inMask = mask!;
        var order = Enumerable.Range(0, map.Length).ToArray();
        Array.Sort((double[])map.Clone(), order);
        long positives = inMask.Count(m => m), negatives = map.Length - positives;
        if (negatives == 0) return null;
        // Rank sum of the positives, tied values sharing their mean rank.
        double rankSum = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && map[order[end + 1]] == map[order[start]]) end++;
            double meanRank = (start + end) / 2.0 + 1;
            for (int j = start; j <= end; j++) if (inMask[order[j]]) rankSum += meanRank;
            start = end + 1;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
