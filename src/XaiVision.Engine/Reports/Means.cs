namespace XaiVision.Engine.Reports;

static class Means
{
    /// <summary>The mean of the values present; null when none is (e.g. a share on the object where no image had a mask).</summary>
    public static double? OfPresent(IEnumerable<double?> values)
    {
        double sum = 0;
        int count = 0;
        foreach (var v in values)
            if (v is { } x)
            {
                sum += x;
                count++;
            }
        return count == 0 ? null : sum / count;
    }
}
