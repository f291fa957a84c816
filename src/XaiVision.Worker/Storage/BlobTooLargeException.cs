using XaiVision.Engine;

namespace XaiVision.Worker.Storage;

/// <summary>A blob over the reader's byte limit, refused before its content is downloaded (an oversized image is a per-image error, not a worker crash).</summary>
public sealed class BlobTooLargeException(string message) : XaiVisionException(message)
{
    public static void ThrowIfOver(string container, string name, long length, long maxBytes)
    {
        if (length > maxBytes) throw new BlobTooLargeException($"Blob '{container}/{name}' is {length:N0} bytes, over the limit of {maxBytes:N0}.");
    }
}
