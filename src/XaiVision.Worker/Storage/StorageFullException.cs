namespace XaiVision.Worker.Storage;

/// <summary>
/// The store's disk is full (ENOSPC). Retried like an outage — freeing space is an operator's fix — but once the retries are spent,
/// the job is failed with this reason even though nothing more can be written to say so (<c>JobEnd.FailAsync</c> still announces it).
/// </summary>
public sealed class StorageFullException(string message, Exception? inner = null) : StorageUnavailableException(message, inner)
{
    const int NoSpace = 28; // ENOSPC; .NET keeps errno as the HResult of an IOException it has no type for

    public static bool Is(Exception e) => e is IOException io && (io.HResult == NoSpace || io.Message.Contains("No space left on device", StringComparison.Ordinal));
}
