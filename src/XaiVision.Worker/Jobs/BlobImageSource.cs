using XaiVision.Engine;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Jobs;

/// <summary>A job's images and masks: blobs of its images container.</summary>
public sealed class BlobImageSource(IBlobStore store, string container) : IImageSource
{
    public async Task<byte[]> ReadAsync(string reference, string kind, long maxBytes, CancellationToken ct) =>
        await store.ReadAsync(container, reference, ct, maxBytes) ?? throw new XaiVisionException($"{kind} blob '{container}/{reference}' does not exist.");
}
