using static TorchSharp.torch;

namespace XaiVision.Engine.Models;

/// <summary>
/// A supported network: how to build it, where its explanations look by default, and which input sizes it takes:
/// <paramref name="FixedInputSize"/> for a head that is sized for one input (the demo net's flattened Linear), else any size
/// from <paramref name="MinInputSize"/> (adaptive pooling before the head; five stride-2 stages need at least 32 px).
/// <paramref name="HeadLayer"/> is the classifier's last layer: its weight's rows are the class count of a weight file.
/// <paramref name="LrpRefusal"/> says why LRP is not offered for the architecture (null: it is). <paramref name="FeatureMapFilter"/>
/// names the CAM layers where Linear layers also run inside the feature extractor (ConvNeXt), so "before the first Linear"
/// cannot tell them. <paramref name="TokensToMap"/> turns a token layer's output into a feature map for CAM (ViT).
/// </summary>
public sealed record Architecture(
    string Name,
    string Family,
    Func<int, nn.Module<Tensor, Tensor>> Create,
    string DefaultCamLayer,
    int DefaultInputSize,
    int DefaultNumClasses,
    int? FixedInputSize = null,
    int MinInputSize = 32,
    string HeadLayer = "fc",
    string? LrpRefusal = null,
    Func<string, bool>? FeatureMapFilter = null,
    Func<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>? TokensToMap = null)
{
    /// <summary>
    /// Why this network cannot explain whole images (preprocess resize or none), null when it can: a head sized for one input
    /// cannot, unless it is VGG-style, whose dense layers run as convolutions (<see cref="ConvolutionalVgg"/>).
    /// </summary>
    public string? WholeImageProblem =>
        FixedInputSize is { } size && !HeadRunsAsConvolutions ? $"'{Name}' takes {size}×{size} inputs only, so it cannot explain whole images: use preprocess resize-crop." : null;

    /// <summary>VGG-style: the dense head can run as convolutions over a whole image (<see cref="ConvolutionalVgg"/>).</summary>
    public bool HeadRunsAsConvolutions => Family == "vgg";

    /// <summary>Blocks end where a max-pool follows (VGG); the layer sweep then looks at each block's last activation.</summary>
    public bool BlocksEndAtMaxPools => Family == "vgg";

    /// <summary>Why <paramref name="size"/> does not fit this network (null when it does), in user words.</summary>
    public string? InputSizeProblem(int size, int maxInputSize)
    {
        if (FixedInputSize is { } fixedSize && size != fixedSize)
            return $"'{Name}' takes {fixedSize}×{fixedSize} inputs only (its classifier is sized for them); {size} does not fit.";
        if (size < MinInputSize) return $"'{Name}' needs inputs of at least {MinInputSize} px; {size} is too small.";
        if (size > maxInputSize) return $"{size} px is over the input-size limit of {maxInputSize} (memory grows with its square).";
        return null;
    }
}
