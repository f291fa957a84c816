namespace XaiVision.Engine.Reports;

/// <summary>
/// Which concepts a candidate run uses that its baseline did not, and the reverse. Channel numbers of two separately trained models
/// mean nothing to each other, so concepts are matched by behaviour on the probe images both runs kept (<see cref="ConceptProbes"/>):
/// how much of concept a is covered by concept b of the other run,
/// <code>
///   coverage(a by b) = Σ_i s_a,i · [b located on i] · IoU(window_a,i, window_b,i) / Σ_i s_a,i
/// </code>
/// over the common probe images i where a is among the image's located concepts, s its (positive) share there: of the places where a is
/// relevant, weighted by how much, the part where b is relevant on the same image in the same window. 1 for a concept against itself;
/// near 0 for concepts never relevant together. A concept one run uses (among a class's top concepts) that no concept the other run
/// uses covers to <see cref="Threshold"/> is new (candidate) or vanished (baseline); the rest are matched with the concept that covers
/// them most. A concept located on fewer than <see cref="MinProbeImages"/> probe images is not compared (too little evidence: with
/// many classes a class's concepts may miss the probe sample) but listed as such. On the shortcut demo the tag's concepts are covered at most 0.07 by any clean concept, the shortcut model's partly
/// on-object ones 0.12–0.43 (bench/README.md).
/// </summary>
public static class ConceptComparison
{
    public const double Threshold = 0.2;

    /// <summary>A coverage as shown: two decimals, rounded down, so a value just under the threshold never reads as the threshold.</summary>
    public static string Format(double coverage) => (Math.Floor(coverage * 100) / 100).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Probe images a concept must be located on to be compared.</summary>
    public const int MinProbeImages = 3;

    public static IReadOnlyList<ConceptChange> Compare(ConceptAtlas baseline, ConceptAtlas candidate)
    {
        var before = Index(baseline);
        var after = Index(candidate);
        var common = before.Images.Intersect(after.Images).ToHashSet();
        var changes = new List<ConceptChange>();
        foreach (var method in candidate.Classes.Select(c => c.Method).Distinct().Where(m => baseline.Classes.Any(c => c.Method == m)))
        {
            var allBefore = Used(baseline, method);
            var allAfter = Used(candidate, method);
            var profilesBefore = allBefore.ToDictionary(b => b.Channel, b => Profile(before, method, b.Channel, common));
            var profilesAfter = allAfter.ToDictionary(c => c.Channel, c => Profile(after, method, c.Channel, common));
            var usedBefore = allBefore.Where(b => profilesBefore[b.Channel].Count >= MinProbeImages).ToList();
            var usedAfter = allAfter.Where(c => profilesAfter[c.Channel].Count >= MinProbeImages).ToList();
            var covered = usedAfter.ToDictionary(c => c.Channel, c => usedBefore.ToDictionary(b => b.Channel, b => Coverage(profilesAfter[c.Channel], profilesBefore[b.Channel])));
            var matched = new List<ConceptMatch>();
            var added = new List<ConceptUse>();
            foreach (var c in usedAfter)
            {
                var best = covered[c.Channel].OrderByDescending(s => s.Value).ThenBy(s => s.Key).Select(s => (Channel: s.Key, Coverage: s.Value)).FirstOrDefault();
                if (usedBefore.Count > 0 && best.Coverage >= Threshold) matched.Add(new ConceptMatch(best.Channel, c.Channel, best.Coverage));
                else added.Add(c with { BestCoverage = usedBefore.Count > 0 ? best.Coverage : 0 });
            }
            var vanished = usedBefore.Select(b => b with { BestCoverage = usedAfter.Select(c => Coverage(profilesBefore[b.Channel], profilesAfter[c.Channel])).DefaultIfEmpty(0).Max() })
                .Where(b => b.BestCoverage < Threshold).ToList();
            changes.Add(new ConceptChange(method, common.Count, matched, added, vanished, allAfter.Except(usedAfter).ToList(), allBefore.Count - usedBefore.Count));
        }
        return changes;
    }

    /// <summary>How much of concept <paramref name="a"/> (its entries by probe image) concept <paramref name="b"/> covers.</summary>
    public static double Coverage(IReadOnlyDictionary<string, ConceptProbeEntry> a, IReadOnlyDictionary<string, ConceptProbeEntry> b)
    {
        double together = 0, total = 0;
        foreach (var (image, entry) in a)
        {
            double share = Math.Max(0, entry.Share);
            total += share;
            if (b.TryGetValue(image, out var other)) together += share * IoU(entry.Box, other.Box);
        }
        return total == 0 ? 0 : together / total;
    }

    public static double IoU(Explainers.ConceptBox a, Explainers.ConceptBox b)
    {
        double w = Math.Max(0, Math.Min(a.X + a.Size, b.X + b.Size) - Math.Max(a.X, b.X));
        double h = Math.Max(0, Math.Min(a.Y + a.Size, b.Y + b.Size) - Math.Max(a.Y, b.Y));
        double inter = w * h, union = (double)a.Size * a.Size + (double)b.Size * b.Size - inter;
        return union == 0 ? 0 : inter / union;
    }

    sealed record ProbeIndex(IReadOnlyList<string> Images, IReadOnlyDictionary<(string Method, int Channel), Dictionary<string, ConceptProbeEntry>> Entries);

    static ProbeIndex Index(ConceptAtlas atlas)
    {
        var entries = new Dictionary<(string, int), Dictionary<string, ConceptProbeEntry>>();
        foreach (var probe in atlas.Probes ?? [])
            foreach (var e in probe.Concepts)
            {
                if (!entries.TryGetValue((e.Method, e.Channel), out var byImage)) entries[(e.Method, e.Channel)] = byImage = [];
                byImage.TryAdd(probe.Image, e);
            }
        return new ProbeIndex((atlas.Probes ?? []).Select(p => p.Image).ToList(), entries);
    }

    static Dictionary<string, ConceptProbeEntry> Profile(ProbeIndex index, string method, int channel, HashSet<string> common) =>
        index.Entries.TryGetValue((method, channel), out var byImage) ? byImage.Where(e => common.Contains(e.Key)).ToDictionary() : [];

    /// <summary>The concepts a run uses for <paramref name="method"/>: every channel among a class's top concepts, with those classes.</summary>
    static List<ConceptUse> Used(ConceptAtlas atlas, string method) =>
        atlas.Classes.Where(c => c.Method == method).SelectMany(c => c.Top.Select(row => (c.Class, Row: row))).GroupBy(u => u.Row.Channel)
            .Select(g => new ConceptUse(g.Key, g.Select(u => u.Class).ToList(), g.Max(u => u.Row.MeanShare),
                Means.OfPresent(g.Select(u => u.Row.OnObject)), 0))
            .OrderByDescending(u => u.MeanShare).ThenBy(u => u.Channel).ToList();
}

/// <summary>
/// One concept method's concepts against the baseline run's: over <paramref name="ProbeImages"/> common probe images, the candidate's
/// concepts matched with the baseline's, the ones only the candidate uses, the ones only the baseline used; and those located on too
/// few probe images to say (<paramref name="Uncompared"/>: the candidate's; <paramref name="UncomparedBaseline"/>: how many of the baseline's).
/// </summary>
public sealed record ConceptChange(string Method, int ProbeImages, IReadOnlyList<ConceptMatch> Matched, IReadOnlyList<ConceptUse> New,
    IReadOnlyList<ConceptUse> Vanished, IReadOnlyList<ConceptUse> Uncompared, int UncomparedBaseline);

/// <summary>A candidate concept and the baseline concept that covers it most (<see cref="ConceptComparison.Coverage"/>).</summary>
public sealed record ConceptMatch(int Baseline, int Candidate, double Coverage);

/// <summary>
/// A concept a run uses: its channel, the classes whose top concepts it is among, its largest mean share there, its mean share on the
/// object (masked images), and how much the other run's concepts cover it at best.
/// </summary>
public sealed record ConceptUse(int Channel, IReadOnlyList<string> Classes, double MeanShare, double? OnObject, double BestCoverage);
