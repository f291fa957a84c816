namespace XaiVision.Engine.Reports;

/// <summary>
/// The <c>k</c> first items of a stream by a descending key (the best) and the <c>k</c> first by an ascending key (the worst), kept in
/// O(k) memory. Ties fall as a stable sort of the whole stream would put them: earlier items first among the best, later ones first
/// among the worst; NaN counts as the lowest key.
/// </summary>
public sealed class Extremes<T>(int k)
{
    readonly List<(double Key, long Seq, T Item)> _best = [], _worst = [];

    public IEnumerable<T> Best => _best.Select(x => x.Item);
    public IEnumerable<T> Worst => _worst.Select(x => x.Item);

    /// <summary>Offers an item: <paramref name="bestKey"/> ranks it among the best (higher first), <paramref name="worstKey"/> among the worst (lower first).</summary>
    public void Add(double bestKey, double worstKey, long seq, T item)
    {
        Insert(_best, (bestKey, seq, item), (a, b) => b.Key.CompareTo(a.Key) is var c and not 0 ? c : a.Seq.CompareTo(b.Seq));
        Insert(_worst, (worstKey, seq, item), (a, b) => a.Key.CompareTo(b.Key) is var c and not 0 ? c : b.Seq.CompareTo(a.Seq));
    }

    void Insert(List<(double Key, long Seq, T Item)> list, (double Key, long Seq, T Item) entry, Comparison<(double Key, long Seq, T Item)> order)
    {
        int at = list.Count;
        while (at > 0 && order(entry, list[at - 1]) < 0) at--;
        if (at >= k) return;
        list.Insert(at, entry);
        if (list.Count > k) list.RemoveAt(k);
    }
}
