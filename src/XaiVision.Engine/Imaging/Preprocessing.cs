namespace XaiVision.Engine.Imaging;

/// <summary>
/// How pixels become model input (DESIGN.md conventions): by <see cref="Mode"/> — <c>resize-crop</c> (default): an image already at
/// the input size is used as is, otherwise the shorter side is resized to <see cref="ResizeTo"/> and the centre
/// <see cref="InputSize"/> is cropped; <c>resize</c>: the shorter side to <see cref="InputSize"/>, aspect kept; <c>none</c>: the native
/// size — then scaled to [0,1] and normalised per channel. Frames of any shape must have sides within
/// <see cref="MinSide"/>..<see cref="MaxSide"/> (the network's smallest input, the input-size limit).
/// </summary>
public sealed record Preprocessing(int InputSize, int ResizeTo, float[] Mean, float[] Std)
{
    public PreprocessMode Mode { get; init; } = PreprocessMode.ResizeCrop;

    /// <summary>The smallest side the network takes (set by the loader from the architecture).</summary>
    public int MinSide { get; init; } = 1;

    /// <summary>The largest side a whole-image frame may have (the input-size limit: memory grows with the pixel count).</summary>
    public int MaxSide { get; init; } = 1024;

    public static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    public static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    public static Preprocessing ImageNet(int inputSize = 224, int resizeTo = 256) => new(inputSize, resizeTo, ImageNetMean, ImageNetStd);

    /// <summary>
    /// The one default resize rule, for the CLI, the workers and the loader alike: 256 before a 224 crop (torchvision's
    /// evaluation transform), otherwise the input size itself (the whole shorter side is kept, nothing cropped from it).
    /// </summary>
    public static int DefaultResize(int inputSize) => inputSize == 224 ? 256 : inputSize;

    /// <summary>The value of pixel intensity <paramref name="v"/> (0..1) of channel c in normalised space.</summary>
    public float Normalise(int c, float v) => (v - Mean[c]) / Std[c];
}
