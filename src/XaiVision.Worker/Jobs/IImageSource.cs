namespace XaiVision.Worker.Jobs;

/// <summary>Where a run's images and masks come from: blobs for a job, files for <c>explain</c>.</summary>
public interface IImageSource
{
    /// <summary>The bytes of <paramref name="reference"/>; a missing, oversized or unreadable one is an <see cref="Engine.XaiVisionException"/> naming it.</summary>
    Task<byte[]> ReadAsync(string reference, string kind, long maxBytes, CancellationToken ct);
}
