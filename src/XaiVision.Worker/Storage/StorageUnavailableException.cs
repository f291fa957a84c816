namespace XaiVision.Worker.Storage;

/// <summary>
/// Blob storage could not be reached after the SDK's own retries, or the circuit is open. Infrastructure,
/// not bad input: the consumer holds the message and tries the whole step again later (consumption pauses).
/// The message names the blob and the status only — never a connection string, key or SAS token.
/// </summary>
public class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
