namespace XaiVision.Engine.Reports;

/// <summary>One reason images failed, how many it struck, and the first few of them (every one is in <c>errors.csv</c>).</summary>
public sealed record ErrorSummary(string Reason, int Count, IReadOnlyList<string> Examples);

/// <summary>
/// Per-image errors grouped by reason — the message with the image's own name replaced by <c>{image}</c>, so "cannot decode 'a.png'"
/// and "cannot decode 'b.png'" are one reason — with counts and the first <see cref="Examples"/> images each. At most
/// <see cref="Reasons"/> reasons are kept apart; later new reasons count under one "other reasons" line, so a report with a million
/// failures stays small.
/// </summary>
public sealed class ErrorTally
{
    public const int Reasons = 50, Examples = 5;
    public const string Other = "(other reasons — see errors.csv)";
    readonly Dictionary<string, (int Count, List<string> Examples)> _reasons = [];

    public int Count { get; private set; }

    public void Add(string image, string name, string error)
    {
        Count++;
        var reason = error.Replace(image, "{image}", StringComparison.Ordinal).Replace(name, "{image}", StringComparison.Ordinal);
        if (!_reasons.ContainsKey(reason) && _reasons.Count >= Reasons) reason = Other;
        var entry = _reasons.TryGetValue(reason, out var e) ? e : (Count: 0, Examples: new List<string>());
        if (entry.Examples.Count < Examples) entry.Examples.Add(image);
        _reasons[reason] = (entry.Count + 1, entry.Examples);
    }

    /// <summary>Commonest first; ties by reason.</summary>
    public IReadOnlyList<ErrorSummary> Summaries() => _reasons.OrderByDescending(r => r.Value.Count).ThenBy(r => r.Key, StringComparer.Ordinal)
        .Select(r => new ErrorSummary(r.Key, r.Value.Count, r.Value.Examples)).ToList();
}
