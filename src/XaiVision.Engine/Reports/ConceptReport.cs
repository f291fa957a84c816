using XaiVision.Engine.Explainers;
using XaiVision.Engine.Suites;

namespace XaiVision.Engine.Reports;

/// <summary>
/// report.json's concept atlas: per (concept method, class) its top concepts, and per (method, channel) of those the reference images —
/// kept once per channel, not per class, so the atlas grows with the channels shown, not with classes × references; the probe images
/// that let a later run match its concepts with these (<see cref="ConceptProbes"/>), and, against a baseline run, which concepts are new,
/// which vanished (<see cref="ConceptComparison"/>).
/// </summary>
public sealed record ConceptAtlas(IReadOnlyList<ConceptReport> Classes, IReadOnlyList<ConceptReferences> References,
    IReadOnlyList<ConceptProbe>? Probes = null, IReadOnlyList<ConceptChange>? Changes = null)
{
    public IReadOnlyList<ConceptReference> ReferencesOf(string method, int channel) =>
        References.FirstOrDefault(r => r.Method == method && r.Channel == channel)?.Images ?? [];
}

/// <summary>A concept's reference images (relevance maximisation over the whole audit: largest share first).</summary>
public sealed record ConceptReferences(string Method, int Channel, IReadOnlyList<ConceptReference> Images);

/// <summary>
/// report.json's concepts of one (concept method, class): the class's most relevant channels at <paramref name="Layer"/> over its
/// <paramref name="Maps"/> maps (<see cref="ConceptCollector"/>).
/// </summary>
public sealed record ConceptReport(string Method, string Class, string Layer, int Maps, IReadOnlyList<ConceptRow> Top);

/// <summary>
/// One concept (channel) of a class: its mean share of the relevance over the class's maps (0 where it is outside a map's kept
/// channels), how consistently it is among a map's three most relevant (share of maps), where images have object masks the mean
/// share of its relevance on the object; its reference images are in <see cref="ConceptAtlas.References"/> (the images where the
/// channel's share is largest, among those where it is one of the three most relevant).
/// </summary>
public sealed record ConceptRow(int Channel, double MeanShare, double Consistency, double? OnObject)
{
    /// <summary>Most of its relevance lies off the object (masked images only): a shortcut candidate.</summary>
    public bool OffObject => OnObject < 0.5;
}

/// <summary>
/// A reference image of a concept: the record (and the shard archive holding its pictures, in the archive layout), its model-view
/// picture and size, the window to crop, the channel's share there, the class it was explained for, and — where the map was
/// conditioned on this channel alone (<c>top=1</c> with the channel first, or <c>channels=</c> it) — the overlay of that conditional
/// map, cropped beside the picture.
/// </summary>
public sealed record ConceptReference(string Image, string? Input, int Width, int Height, ConceptBox Box, float Share, string Class, string? Archive = null,
    string? Heatmap = null)
{
    /// <summary>The reference as a record holding only its pictures, for the archive layout's picture extraction.</summary>
    public ImageRecord AsRecord() => new(Image, Image, Width, Height, null, [],
        Heatmap is null ? [] : [new ExplanationRecord("concept", new Dictionary<string, string>(), new ClassScore(-1, Class, 0, 0), Heatmap, null, "", 0, 0, 0, 0)],
        null, Input: Input, Archive: Archive);
}
