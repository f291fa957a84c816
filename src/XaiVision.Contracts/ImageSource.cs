namespace XaiVision.Contracts;

/// <summary>
/// The images: every image blob under <c>container/prefix</c>, or the rows of a manifest CSV
/// (<c>path,label,mask</c>; label and mask optional; paths relative to the manifest). Output ids are image
/// paths relative to <c>Prefix</c> (also with a manifest), extension dropped, <c>/</c> → <c>_</c>. <c>Limit</c>
/// takes a seeded sample of that many.
/// </summary>
public sealed record ImageSource
{
    public string Container { get; init; } = "";
    public string Prefix { get; init; } = "";
    public string? Manifest { get; init; }
    public int? Limit { get; init; }
    public int SampleSeed { get; init; }
}
