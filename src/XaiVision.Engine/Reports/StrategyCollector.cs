using XaiVision.Engine.Strategies;

namespace XaiVision.Engine.Reports;

/// <summary>
/// Gathers, one record at a time, what strategy analysis needs: per (method, class) a seeded uniform sample (reservoir) of at most
/// <see cref="StrategyOptions.MaxMaps"/> thumbnails with their mask coverage and a slim copy of the record (for its pictures). All
/// samples together stay under <see cref="StrategyOptions.MemoryBytes"/>: when they would pass it, every group's sample shrinks by a
/// quarter (random members dropped). Memory: min(budget, Σ_groups min(n_g, MaxMaps) × (3 S² + 200) bytes) — 3.2 KB a map at S = 32 —
/// plus, while one group is clustered, its n × n graph in doubles three times over (≈ 100 MB at 2,000 maps).
/// </summary>
public sealed class StrategyCollector(StrategyOptions options, long seed)
{
    sealed class Group(ulong seed)
    {
        public readonly Random Random = new(unchecked((int)seed));
        public int Images;
        public readonly List<Entry> Kept = [];
    }

    sealed record Entry(ImageRecord Record, Half[] Thumbnail, byte[]? Coverage);

    readonly Dictionary<(string Method, string Class), Group> _groups = [];
    readonly List<(string Method, string Class)> _order = [];
    int _capacity = options.MaxMaps;
    long _kept;

    public StrategyOptions Options => options;
    /// <summary>Samples kept per group now (the memory budget may have lowered it from <see cref="StrategyOptions.MaxMaps"/>).</summary>
    public int Capacity => _capacity;

    public void Add(ImageRecord record)
    {
        if (record.Error is not null) return;
        foreach (var e in record.Explanations)
        {
            if (e.Thumbnail is null) continue;
            var key = (e.Method, e.Target.Name);
            if (!_groups.TryGetValue(key, out var group))
            {
                _groups[key] = group = new Group(ValueSample.SeedFor(seed, $"strategies {e.Method} {e.Target.Name}"));
                _order.Add(key);
            }
            group.Images++;
            int slot = group.Kept.Count < _capacity ? -1 : (int)Math.Min(group.Random.NextInt64(group.Images), int.MaxValue);
            if (group.Kept.Count >= _capacity && slot >= _capacity) continue;
            var entry = new Entry(Slim(record, e), MapThumbnail.DecodeHalves(e.Thumbnail), record.MaskThumbnail is null ? null : Convert.FromBase64String(record.MaskThumbnail));
            if (slot < 0)
            {
                group.Kept.Add(entry);
                if (++_kept * options.BytesPerMap > options.MemoryBytes) Shrink();
            }
            else group.Kept[slot] = entry;
        }
    }

    /// <summary>Every group with enough images, analysed in the order first seen (methods), classes by name.</summary>
    public IReadOnlyList<StrategyGroup> Analyse() => _order
        .Where(k => _groups[k].Images >= options.MinImages && _groups[k].Kept.Count >= 3)
        .OrderBy(k => _order.FindIndex(o => o.Method == k.Method)).ThenBy(k => k.Class, StringComparer.Ordinal)
        .Select(k => StrategyAnalysis.Analyse(k.Method, k.Class, _groups[k].Images, _groups[k].Kept.Select(Sample).ToList(), options, seed))
        .ToList();

    /// <summary>The records (slim: one explanation, no curves) of the analysed images, by record name — for their pictures.</summary>
    public ImageRecord? Record(string method, string className, string image) =>
        _groups.TryGetValue((method, className), out var g) ? g.Kept.FirstOrDefault(e => e.Record.Name == image)?.Record : null;

    void Shrink()
    {
        _capacity = Math.Max(options.MinImages, _capacity * 3 / 4);
        foreach (var group in _groups.Values)
            while (group.Kept.Count > _capacity)
            {
                int drop = group.Random.Next(group.Kept.Count);
                group.Kept[drop] = group.Kept[^1];
                group.Kept.RemoveAt(group.Kept.Count - 1);
                _kept--;
            }
    }

    static StrategyAnalysis.Sample Sample(Entry e) => new(e.Record.Name, MapThumbnail.ToFloats(e.Thumbnail), e.Coverage is null ? null : MapThumbnail.CoverageOf(e.Coverage));

    static ImageRecord Slim(ImageRecord r, ExplanationRecord e) => r with
    {
        Top5 = [],
        Explanations = [e with { Metrics = null, Perturbations = null, Curves = null, Thumbnail = null, Comparison = null }],
        LayerSweep = null,
        Figure = null,
        PerturbationFigure = null,
        MaskingFigure = null,
        MaskThumbnail = null,
    };
}
