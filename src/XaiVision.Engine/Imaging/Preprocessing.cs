namespace XaiVision.Engine.Imaging;

/// <summary>
/// How pixels become model input (DESIGN.md conventions): an image already at the input size is
/// used as is; otherwise the shorter side is resized to <see cref="ResizeTo"/> and the centre
/// <see cref="InputSize"/> is cropped; then scaled to [0,1] and normalised per channel.
/// </summary>
public sealed record Preprocessing(int InputSize, int ResizeTo, float[] Mean, float[] Std)
{
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
