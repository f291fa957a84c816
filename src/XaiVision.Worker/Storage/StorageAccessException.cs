using XaiVision.Engine;

namespace XaiVision.Worker.Storage;

/// <summary>Storage answered but refused (403 wrong key or permissions, 400 bad name…): retrying cannot help, so the job fails or is rejected with this reason.</summary>
public sealed class StorageAccessException(string message) : XaiVisionException(message);
