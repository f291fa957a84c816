using XaiVision.Engine.Suites;

namespace XaiVision.Engine.Reports;

/// <summary>
/// One image: prediction, top-5, maps (and the image as the model saw it, <c>input.png</c>; the seed's figures <c>figure.png</c>,
/// <c>perturbations.png</c>, <c>masking.png</c>, see <see cref="SeedFigures"/>) — or the reason it could not be explained. With the archive
/// layout, <see cref="Archive"/> names the shard's zip that holds those files at the same relative paths. With strategy analysis and a mask,
/// <see cref="MaskThumbnail"/> is the object's coverage of each thumbnail cell (<see cref="Strategies.MapThumbnail.Coverage"/>).
/// </summary>
public sealed record ImageRecord(
    string Image,
    string Name,
    int? Width,
    int? Height,
    ClassScore? Prediction,
    IReadOnlyList<ClassScore> Top5,
    IReadOnlyList<ExplanationRecord> Explanations,
    string? Error,
    string? Input = null,
    string? Figure = null,
    string? PerturbationFigure = null,
    string? MaskingFigure = null,
    LayerSweepRecord? LayerSweep = null,
    string? Archive = null,
    string? MaskThumbnail = null)
{
    /// <summary>An image that could not be explained, and why.</summary>
    public static ImageRecord Failure(string image, string name, string error) => new(image, name, null, null, null, [], [], error);
}
