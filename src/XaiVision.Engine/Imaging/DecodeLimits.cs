namespace XaiVision.Engine.Imaging;

/// <summary>Per-image limits that keep hostile files (decompression bombs, huge uploads) out.</summary>
public sealed record DecodeLimits(long MaxPixels = 40_000_000, long MaxBytes = 64L * 1024 * 1024)
{
    public static DecodeLimits Default { get; } = new();
}
