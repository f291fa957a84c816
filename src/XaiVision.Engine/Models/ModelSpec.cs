using XaiVision.Engine.Imaging;
using XaiVision.Engine.Models.Weights;

namespace XaiVision.Engine.Models;

/// <summary>
/// What to load: architecture (empty or <c>auto</c>: recognised from the weights), weights, labels (else the checkpoint's
/// class names), input conventions, how to read a checkpoint (<see cref="WeightOptions"/>), and whether a TorchScript file
/// (code) may be loaded. <paramref name="Preprocess"/> other than resize-crop explains whole images (frames of any shape, sides up to
/// <paramref name="MaxSide"/>); VGG then runs as <see cref="ConvolutionalVgg"/>, its class score the <paramref name="ClassScore"/> of the map.
/// <paramref name="Head"/>: how logits become probabilities (sigmoid for a multi-label model).
/// </summary>
public sealed record ModelSpec(
    string Architecture,
    string? WeightsPath,
    string? LabelsPath = null,
    int? NumClasses = null,
    Preprocessing? Preprocessing = null,
    ModelPrecision Precision = ModelPrecision.Float32,
    WeightOptions? Weights = null,
    bool AllowTorchScript = false,
    PreprocessMode Preprocess = PreprocessMode.ResizeCrop,
    ClassScorePooling ClassScore = ClassScorePooling.Mean,
    int MaxSide = 1024,
    OutputHead Head = OutputHead.Softmax);
