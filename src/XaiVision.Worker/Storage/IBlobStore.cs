namespace XaiVision.Worker.Storage;

/// <summary>
/// The blob operations the worker needs. Names are <c>/</c>-separated paths inside a container.
/// Writes are create-if-absent (<see cref="TryCreateAsync"/>, for commit points such as a shard result
/// or the report) or overwrites of deterministic content (<see cref="WriteAsync"/>).
/// </summary>
public interface IBlobStore
{
    /// <summary>The blob's bytes, or null when it does not exist; a blob over <paramref name="maxBytes"/> is refused before its content is read.</summary>
    Task<byte[]?> ReadAsync(string container, string name, CancellationToken cancellationToken = default, long maxBytes = long.MaxValue);

    Task WriteAsync(string container, string name, byte[] content, string contentType, CancellationToken cancellationToken = default);

    /// <summary>Writes a blob as <paramref name="write"/> produces it (a report's CSV of a million rows never sits in memory); readers see all or nothing.</summary>
    Task WriteStreamAsync(string container, string name, Func<Stream, Task> write, string contentType, CancellationToken cancellationToken = default);

    /// <summary>Writes only if the blob does not exist; true when this call created it.</summary>
    Task<bool> TryCreateAsync(string container, string name, byte[] content, string contentType, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<string>> ListAsync(string container, string prefix, CancellationToken cancellationToken = default);

    /// <summary>
    /// The names under <paramref name="prefix"/> a page at a time (a few thousand), in a stable order — the service's lexicographic
    /// order on Azure, ordinal on the file store — so a million names never sit in memory at once.
    /// </summary>
    IAsyncEnumerable<IReadOnlyList<string>> ListPagesAsync(string container, string prefix, CancellationToken cancellationToken = default);

    Task<bool> ExistsAsync(string container, string name, CancellationToken cancellationToken = default);

    /// <summary>The blob's bytes with the version they were read at (its ETag), or null when it does not exist.</summary>
    Task<VersionedBlob?> ReadVersionedAsync(string container, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Overwrites the blob only if it is still at <paramref name="etag"/> (null: only if it does not exist); true when this call wrote it.
    /// The read-modify-write of a small shared record (a job's completion tally) without a lock service.
    /// </summary>
    Task<bool> TryReplaceAsync(string container, string name, byte[] content, string contentType, string? etag, CancellationToken cancellationToken = default);

    /// <summary>The blob's current version (ETag) without its content — one HEAD request — or null when it does not exist.</summary>
    Task<string?> GetETagAsync(string container, string name, CancellationToken cancellationToken = default);

    /// <summary>Removes a blob if it exists (idempotent); used only for markers such as a job's open-job entry.</summary>
    Task DeleteAsync(string container, string name, CancellationToken cancellationToken = default);
}

/// <summary>A blob's content and the version (ETag) it was read at.</summary>
public sealed record VersionedBlob(byte[] Content, string ETag);
