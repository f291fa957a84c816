using XaiVision.Engine.Imaging;

namespace XaiVision.Engine.Suites;

/// <summary>
/// One image a suite explains: what the model sees (<see cref="View"/>, in the model's frame), its object mask for the localisation
/// metrics (null: none given), and its label for the <c>label</c> target (null: none known).
/// </summary>
public sealed record SuiteInput(RgbImage View, bool[]? Mask = null, int? Label = null);
