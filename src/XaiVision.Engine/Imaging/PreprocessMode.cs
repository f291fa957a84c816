namespace XaiVision.Engine.Imaging;

/// <summary>
/// How an image becomes the model's frame: <see cref="ResizeCrop"/> — the shorter side to the resize target, then the centre
/// input-size square (torchvision's evaluation transform; what lies near the long sides' ends is cut off); <see cref="Resize"/> —
/// the shorter side to the input size, the aspect kept, nothing cropped; <see cref="None"/> — the native size.
/// The last two give frames of any shape: VGG then runs its classifier as convolutions.
/// </summary>
public enum PreprocessMode { ResizeCrop, Resize, None }

public static class PreprocessModes
{
    public static readonly IReadOnlyDictionary<string, PreprocessMode> ByName = new Dictionary<string, PreprocessMode>(StringComparer.OrdinalIgnoreCase)
    {
        ["resize-crop"] = PreprocessMode.ResizeCrop,
        ["resize"] = PreprocessMode.Resize,
        ["none"] = PreprocessMode.None,
    };

    /// <summary>A mode by its name (null or empty: <c>resize-crop</c>).</summary>
    public static PreprocessMode Parse(string? name) =>
        string.IsNullOrWhiteSpace(name) ? PreprocessMode.ResizeCrop
            : ByName.TryGetValue(name.Trim(), out var mode) ? mode
            : throw new XaiVisionException($"Unknown preprocess '{name}'. Known: {string.Join(", ", ByName.Keys)}.");

    public static string Name(this PreprocessMode mode) => ByName.First(p => p.Value == mode).Key;
}
