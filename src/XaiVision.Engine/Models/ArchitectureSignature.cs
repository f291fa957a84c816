using System.Collections.Concurrent;
using System.Text.Json;

namespace XaiVision.Engine.Models;

/// <summary>
/// An architecture's state-dict layout: every key with its shape, in order. torchvision's come from its own
/// <c>state_dict()</c> (<c>tools/make_signatures.py</c>, embedded; a test checks our modules produce exactly these), the demo
/// net's from the module. Lets a weight file be matched to an architecture, and its class count read, without building a
/// network. The head layer's first dimension is the class count, so it matches any.
/// </summary>
public sealed class ArchitectureSignature
{
    static readonly ConcurrentDictionary<string, ArchitectureSignature> Cache = new(StringComparer.OrdinalIgnoreCase);

    ArchitectureSignature(Architecture architecture, IReadOnlyList<(string Key, long[] Shape)> entries)
    {
        Architecture = architecture;
        Entries = entries;
        HeadWeight = architecture.HeadLayer + ".weight";
    }

    public Architecture Architecture { get; }
    public IReadOnlyList<(string Key, long[] Shape)> Entries { get; }
    public string HeadWeight { get; }

    public static ArchitectureSignature Of(Architecture architecture) => Cache.GetOrAdd(architecture.Name, _ =>
    {
        using var stream = typeof(ArchitectureSignature).Assembly.GetManifestResourceStream("signature:" + architecture.Name);
        if (stream is not null)
        {
            var entries = JsonSerializer.Deserialize<JsonElement[][]>(stream)!
                .Select(e => (e[0].GetString()!, e[1].EnumerateArray().Select(d => d.GetInt64()).ToArray())).ToList();
            return new ArchitectureSignature(architecture, entries);
        }
        using var network = architecture.Create(2);
        return new ArchitectureSignature(architecture, network.state_dict().Select(kv => (kv.Key, kv.Value.shape)).ToList());
    });

    /// <summary>How a file's keys and shapes compare with this layout.</summary>
    public sealed record Fit(bool Fits, int? Classes, IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected, IReadOnlyList<string> WrongShape)
    {
        /// <summary>Keys shared over keys in either (Jaccard), to name the closest architectures.</summary>
        public double Overlap { get; init; }

        public string Describe()
        {
            static string First(IReadOnlyList<string> items) => string.Join(", ", items.Take(4)) + (items.Count > 4 ? ", …" : "");
            var parts = new List<string>();
            if (Missing.Count > 0) parts.Add($"missing {Missing.Count} key(s): {First(Missing)}");
            if (Unexpected.Count > 0) parts.Add($"unexpected {Unexpected.Count} key(s): {First(Unexpected)}");
            if (WrongShape.Count > 0) parts.Add($"{WrongShape.Count} shape mismatch(es): {First(WrongShape)}");
            return string.Join("; ", parts);
        }
    }

    public Fit Match(IReadOnlyDictionary<string, long[]> file, bool allowExtraKeys)
    {
        var missing = new List<string>();
        var wrongShape = new List<string>();
        int? classes = null;
        foreach (var (key, shape) in Entries)
        {
            if (!file.TryGetValue(key, out var found)) { missing.Add(key); continue; }
            bool isHead = key == HeadWeight || key == Architecture.HeadLayer + ".bias";
            bool same = found.Length == shape.Length && (isHead ? found.Skip(1).SequenceEqual(shape.Skip(1)) : found.SequenceEqual(shape));
            if (!same) wrongShape.Add($"{key} (file ({string.Join(", ", found)}), model ({string.Join(", ", shape)}))");
            else if (key == HeadWeight) classes = (int)found[0];
        }
        var known = Entries.Select(e => e.Key).ToHashSet();
        var unexpected = file.Keys.Where(k => !known.Contains(k)).ToList();
        var headBias = Architecture.HeadLayer + ".bias";
        if (classes is { } n && file.TryGetValue(headBias, out var bias) && bias is [var b] && b != n)
            wrongShape.Add($"{headBias} ({b} classes, but {HeadWeight} has {n})");
        bool fits = missing.Count == 0 && wrongShape.Count == 0 && (allowExtraKeys || unexpected.Count == 0) && classes is > 0;
        return new Fit(fits, classes, missing, unexpected, wrongShape) { Overlap = (double)(Entries.Count - missing.Count) / (Entries.Count + unexpected.Count) };
    }
}
