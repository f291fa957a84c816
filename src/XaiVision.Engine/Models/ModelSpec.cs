using XaiVision.Engine.Imaging;
using XaiVision.Engine.Models.Weights;

namespace XaiVision.Engine.Models;

/// <summary>
/// What to load: architecture (empty or <c>auto</c>: recognised from the weights), weights, labels (else the checkpoint's
/// class names), input conventions, how to read a checkpoint (<see cref="WeightOptions"/>), and whether a TorchScript file
/// (code) may be loaded.
/// </summary>
public sealed record ModelSpec(
    string Architecture,
    string? WeightsPath,
    string? LabelsPath = null,
    int? NumClasses = null,
    Preprocessing? Preprocessing = null,
    ModelPrecision Precision = ModelPrecision.Float32,
    WeightOptions? Weights = null,
    bool AllowTorchScript = false);
