namespace XaiVision.Worker.Jobs;

/// <summary>One image of a run: where its bytes come from, the name its outputs go under, its label and its mask (if any).</summary>
public sealed record AuditImage(string Source, string Name, int? Label, string? Mask);
