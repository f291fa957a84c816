using XaiVision.Engine.Explainers;

namespace XaiVision.Engine.Reports;

/// <summary>
/// The audit's probe images for comparing concepts across runs: the <see cref="Capacity"/> images whose stable hash of the name is
/// smallest (a bottom-k sketch), with, per concept method, each located channel's share and window there. Two runs over the same
/// images keep the same probes whatever their order or sharding, so a concept of one model can be matched with another model's by
/// what it does on the same pictures (channel numbers of separately trained models mean nothing to each other). Memory: at most
/// <see cref="Capacity"/> images × methods × <see cref="ConceptShares.Located"/> entries, whatever the number of images.
/// </summary>
sealed class ConceptProbes
{
    public const int Capacity = 1024;

    readonly SortedList<(ulong Hash, string Image), List<ConceptProbeEntry>> _kept = [];

    public void Add(ImageRecord record)
    {
        var key = (ValueSample.SeedFor(0, record.Name), record.Name);
        if (_kept.Count >= Capacity && key.CompareTo(_kept.Keys[^1]) >= 0) return; // after the first images, almost every record stops here
        var entries = record.Explanations.Where(e => e.Concepts is not null)
            .SelectMany(e => e.Concepts!.Top.Where(s => s.Box is not null).Select(s => new ConceptProbeEntry(e.Method, s.Channel, s.Share, s.Box!)))
            .ToList();
        if (entries.Count == 0 || !_kept.TryAdd(key, entries)) return;
        if (_kept.Count > Capacity) _kept.RemoveAt(Capacity);
    }

    public IReadOnlyList<ConceptProbe> Probes => _kept.Select(k => new ConceptProbe(k.Key.Image, k.Value)).ToList();
}

/// <summary>A probe image of the concept atlas: its located concepts (<see cref="ConceptProbes"/>).</summary>
public sealed record ConceptProbe(string Image, IReadOnlyList<ConceptProbeEntry> Concepts);

/// <summary>One located concept on a probe image: the method, the channel, its share of the relevance, the window where it is relevant.</summary>
public sealed record ConceptProbeEntry(string Method, int Channel, float Share, ConceptBox Box);
