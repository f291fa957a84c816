namespace XaiVision.Engine.Explainers;

/// <summary>
/// One map's concepts at <paramref name="Layer"/>: its most relevant channels, most relevant first, with their share of the
/// relevance there — Σ over positions of the channel's relevance over Σ over channels of its magnitude (zennit-crp's
/// <c>ChannelConcept.attribute</c> with <c>abs_norm</c>), so shares are signed and their magnitudes sum to 1 over all channels.
/// </summary>
public sealed record ConceptShares(string Layer, IReadOnlyList<ChannelShare> Top)
{
    /// <summary>How many of the first channels are located (<see cref="ChannelShare.Box"/>): each costs a backward pass.</summary>
    public const int Located = 3;
}

/// <summary>
/// A channel's share of the relevance; for the first few, where in the image the channel's relevance lies (<see cref="Box"/>: the
/// square window holding most of its conditional map's positive relevance, in the model view's pixels) and, when the image has an
/// object mask, the share of that conditional map's positive relevance on the object.
/// </summary>
public sealed record ChannelShare(int Channel, float Share, ConceptBox? Box = null, float? OnObject = null);

/// <summary>A square in the model view's pixels: left, top, side.</summary>
public sealed record ConceptBox(int X, int Y, int Size);
