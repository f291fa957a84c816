using XaiVision.Engine.Imaging;

namespace XaiVision.Engine.Models;

/// <summary>What to load: architecture, weights, labels and input conventions.</summary>
public sealed record ModelSpec(
    string Architecture,
    string? WeightsPath,
    string? LabelsPath = null,
    int? NumClasses = null,
    Preprocessing? Preprocessing = null,
    ModelPrecision Precision = ModelPrecision.Float32);
