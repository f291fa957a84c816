using XaiVision.Engine.Imaging;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Cli;

/// <summary><c>explain</c>'s images and masks: local files (refusing links to nothing, FIFOs, devices and oversized files).</summary>
public sealed class FileImageSource : IImageSource
{
    public Task<byte[]> ReadAsync(string reference, string kind, long maxBytes, CancellationToken ct) =>
        Task.Run(() => ImageDecoder.ReadFile(reference, maxBytes), ct);
}
