namespace XaiVision.Engine.Explainers;

/// <summary>
/// One map's concepts at <paramref name="Layer"/>: its most relevant channels, most relevant first, with their share of the
/// relevance there — Σ over positions of the channel's relevance over Σ over channels of its magnitude (zennit-crp's
/// <c>ChannelConcept.attribute</c> with <c>abs_norm</c>), so shares are signed and their magnitudes sum to 1 over all channels.
/// </summary>
public sealed record ConceptShares(string Layer, IReadOnlyList<ChannelShare> Top);

public sealed record ChannelShare(int Channel, float Share);
