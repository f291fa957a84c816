namespace XaiVision.Contracts;

/// <summary>Where results go (<c>container/prefix</c>) and which artefacts to write besides the records and the report.</summary>
public sealed record OutputTarget
{
    public string Container { get; init; } = "";
    public string Prefix { get; init; } = "";
    public bool Overlays { get; init; } = true;
    public bool RawMaps { get; init; }
    /// <summary>
    /// <c>files</c>: each map, overlay and figure a blob of its own; <c>archive</c>: one zip per shard (<c>archives/NNNNN.zip</c>, the same
    /// relative paths inside), records and <c>images.csv</c> naming it, and the pictures the report shows extracted beside it; <c>auto</c>
    /// (default): files up to 5,000 images, archive above (decided when the job is planned).
    /// </summary>
    public string Layout { get; init; } = "auto";
}
