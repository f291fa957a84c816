namespace XaiVision.Engine.Reports;

/// <summary>
/// The concept atlas of an audit, folded one record at a time: per (concept method, class) a tally per channel (share sum, how often
/// among a map's three most relevant, its windows' share on the object); per (method, channel) its <see cref="ReferencesPerConcept"/>
/// reference images by relevance maximisation (zennit-crp's RelMax: largest share first; ties by the job's order). Memory:
/// classes × channels tallies plus channels × <see cref="ReferencesPerConcept"/> references — never grows with the number of images.
/// </summary>
sealed class ConceptCollector
{
    public const int ReferencesPerConcept = 6, ConceptsShown = 5;

    sealed class Tally
    {
        public double ShareSum, OnObjectSum;
        public int InTop, Located;
    }

    sealed class ClassConcepts(string layer)
    {
        public readonly string Layer = layer;
        public int Maps;
        public readonly Dictionary<int, Tally> Channels = [];
    }

    readonly Dictionary<(string Method, string Class), ClassConcepts> _classes = [];
    readonly Dictionary<(string Method, int Channel), Extremes<ConceptReference>> _references = [];
    readonly ConceptProbes _probes = new();

    public void Add(ImageRecord record, long seq)
    {
        _probes.Add(record);
        foreach (var e in record.Explanations)
        {
            if (e.Concepts is not { } concepts) continue;
            if (!_classes.TryGetValue((e.Method, e.Target.Name), out var group)) _classes[(e.Method, e.Target.Name)] = group = new ClassConcepts(concepts.Layer);
            group.Maps++;
            foreach (var (share, rank) in concepts.Top.Select((s, i) => (s, i)))
            {
                if (!group.Channels.TryGetValue(share.Channel, out var tally)) group.Channels[share.Channel] = tally = new Tally();
                tally.ShareSum += share.Share;
                if (rank < Explainers.ConceptShares.Located) tally.InTop++;
                if (share.OnObject is { } on)
                {
                    tally.OnObjectSum += on;
                    tally.Located++;
                }
                if (share.Box is not { } box) continue;
                if (!_references.TryGetValue((e.Method, share.Channel), out var references))
                    _references[(e.Method, share.Channel)] = references = new Extremes<ConceptReference>(ReferencesPerConcept);
                references.Add(share.Share, share.Share, seq, new ConceptReference(record.Name, record.Input, record.Width ?? 0, record.Height ?? 0, box,
                    share.Share, e.Target.Name, record.Archive, ConditionedOnlyOn(e, share.Channel, rank) ? e.Overlay : null));
            }
        }
    }

    /// <summary>Whether the map drawn for <paramref name="e"/> is the conditional map of <paramref name="channel"/> alone.</summary>
    static bool ConditionedOnlyOn(ExplanationRecord e, int channel, int rank) =>
        e.Parameters.TryGetValue("channels", out var channels) ? channels == channel.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : rank == 0 && e.Parameters.GetValueOrDefault("top") == "1";

    /// <summary>
    /// Per (method, class) — methods as first seen, classes by name — its <see cref="ConceptsShown"/> concepts of largest mean share,
    /// and the references of every channel shown; null without a concept method.
    /// </summary>
    public ConceptAtlas? Atlas(List<string> methods)
    {
        if (_classes.Count == 0) return null;
        int Order(string method) => methods.IndexOf(method) is var i and >= 0 ? i : int.MaxValue;
        var classes = _classes
            .OrderBy(g => Order(g.Key.Method)).ThenBy(g => g.Key.Class, StringComparer.Ordinal)
            .Select(g => new ConceptReport(g.Key.Method, g.Key.Class, g.Value.Layer, g.Value.Maps, g.Value.Channels
                .Select(c => (Channel: c.Key, Mean: c.Value.ShareSum / g.Value.Maps, c.Value))
                .OrderByDescending(c => c.Mean).ThenBy(c => c.Channel).Take(ConceptsShown)
                .Select(c => new ConceptRow(c.Channel, c.Mean, c.Value.InTop / (double)g.Value.Maps, c.Value.Located > 0 ? c.Value.OnObjectSum / c.Value.Located : null))
                .ToList()))
            .ToList();
        var references = classes.SelectMany(g => g.Top.Select(c => (g.Method, c.Channel))).Distinct()
            .Where(_references.ContainsKey).OrderBy(k => Order(k.Method)).ThenBy(k => k.Channel)
            .Select(k => new ConceptReferences(k.Method, k.Channel, _references[k].Best.ToList())).ToList();
        return new ConceptAtlas(classes, references, _probes.Probes);
    }
}
