using XaiVision.Engine;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Suites;

namespace XaiVision.Worker.Jobs;

/// <summary>The input step of a run: downloads and decodes a batch's images (and masks) concurrently; an unreadable one becomes an error record.</summary>
public sealed class ShardInputs(IImageSource source, Preprocessing preprocessing, ShardLimits limits)
{
    /// <summary>An image read and decoded: where it came from, and what the suite takes (its view, mask and label).</summary>
    public sealed record ReadyImage(AuditImage Image, SuiteInput Input);

    public sealed record Batch(List<ReadyImage> Ready, List<ImageRecord> Errors);

    public async Task<Batch> LoadAsync(IReadOnlyList<AuditImage> images, CancellationToken ct)
    {
        async Task<(AuditImage Image, ReadyImage? Ready, string? Error)> Load(AuditImage image)
        {
            try
            {
                var bytes = await source.ReadAsync(image.Source, "Image", limits.Decode.MaxBytes, ct);
                var view = await Task.Run(() => ImagePreparer.ToModelView(ImageDecoder.Decode(bytes, image.Source, limits.Decode), preprocessing), ct);
                var mask = await MaskAsync(image, ct);
                if (mask is not null && mask.Length != view.Width * view.Height)
                    throw new XaiVisionException($"Mask '{image.Mask}' does not have the image's shape: with preprocess {preprocessing.Mode.Name()} its frame differs from "
                        + $"the image's {view.Width}×{view.Height}; give a mask of the image's own size.");
                return (image, new ReadyImage(image, new SuiteInput(view, mask, image.Label)), null);
            }
            catch (XaiVisionException e)
            {
                return (image, null, e.Message);
            }
        }
        var results = await Task.WhenAll(images.Select(Load));
        return new Batch(
            results.Where(r => r.Error is null).Select(r => r.Ready!).ToList(),
            results.Where(r => r.Error is not null).Select(r => ImageRecord.Failure(r.Image.Source, r.Image.Name, r.Error!)).ToList());
    }

    async Task<bool[]?> MaskAsync(AuditImage image, CancellationToken ct)
    {
        if (image.Mask is null) return null;
        var bytes = await source.ReadAsync(image.Mask, "Mask", limits.Decode.MaxBytes, ct);
        return GroundTruthMask.FromEncoded(bytes, image.Mask, preprocessing, limits.Decode);
    }
}
