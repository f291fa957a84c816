using XaiVision.Engine.Imaging;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// The features the superpixel methods switch on and off (Captum's <c>feature_mask</c>): SLIC superpixels of each image
/// (<see cref="Slic"/>, as scikit-image cuts them: <c>segments</c>, <c>compactness</c>) or, with <c>segmenter=grid</c>, the same
/// <c>grid</c>×<c>grid</c> cells for every image.
/// </summary>
internal sealed record Superpixels(bool Grid, int Segments, double Compactness, int Cells)
{
    public static Superpixels From(MethodSpec spec) => new(
        spec.Choice("segmenter", false, new Dictionary<string, bool> { ["slic"] = false, ["grid"] = true }),
        spec.Int("segments", 100, 1, 1_000_000), spec.Double("compactness", 10, 1e-6, 1e6), spec.Int("grid", 8, 1, 4096));

    public IReadOnlyDictionary<string, string> Describe() => Grid
        ? new Dictionary<string, string> { ["segmenter"] = "grid", ["grid"] = Cells.ToString() }
        : new Dictionary<string, string> { ["segmenter"] = "slic", ["segments"] = Segments.ToString(), ["compactness"] = Compactness.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary>Each image's label per pixel [H·W] (0 … count − 1) and its count.</summary>
    public IReadOnlyList<(int[] Labels, int Count)> Of(Tensor images)
    {
        int n = (int)images.shape[0], h = (int)images.shape[2], w = (int)images.shape[3];
        if (Grid)
        {
            var labels = Enumerable.Range(0, h * w).Select(p => (int)((long)(p / w) * Cells / h) * Cells + (int)((long)(p % w) * Cells / w)).ToArray();
            return Enumerable.Repeat((labels, Cells * Cells), n).ToList();
        }
        using var cpu = images.detach().to(ScalarType.Float32).cpu().reshape(n, -1);
        return Enumerable.Range(0, n).Select(i => Slic.Segment(cpu[i].data<float>().ToArray(), h, w, Segments, Compactness)).ToList();
    }
}
