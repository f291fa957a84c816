namespace XaiVision.Contracts;

/// <summary>One image of a shard: its blob name (in the job's image container), optional label and mask blob.</summary>
public sealed record ShardImage(string Blob, int? Label, string? Mask);
