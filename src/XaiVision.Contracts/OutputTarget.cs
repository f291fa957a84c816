namespace XaiVision.Contracts;

/// <summary>Where results go (<c>container/prefix</c>) and which artefacts to write besides the records and the report.</summary>
public sealed record OutputTarget
{
    public string Container { get; init; } = "";
    public string Prefix { get; init; } = "";
    public bool Overlays { get; init; } = true;
    public bool RawMaps { get; init; }
}
