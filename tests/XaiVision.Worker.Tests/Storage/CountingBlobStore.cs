using System.Collections.Concurrent;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Tests.Storage;

/// <summary>
/// A store that counts every request by operation and blob name (<c>"read models/demo.safetensors"</c>), then passes it on — or, where
/// <see cref="Fault"/> names an exception for it, throws that instead (a fault injected at one operation).
/// </summary>
public sealed class CountingBlobStore(IBlobStore inner) : IBlobStore
{
    public ConcurrentDictionary<string, int> Requests { get; } = new();

    public int Count(string operation, string nameEnd) =>
        Requests.Where(r => r.Key.StartsWith(operation + " ", StringComparison.Ordinal) && r.Key.EndsWith(nameEnd, StringComparison.Ordinal)).Sum(r => r.Value);

    /// <summary>Given an operation and a blob name, the exception to throw instead of passing the request on (null: pass it on).</summary>
    public Func<string, string, Exception?>? Fault { get; init; }

    T Counted<T>(string operation, string name, Func<T> call)
    {
        Requests.AddOrUpdate($"{operation} {name}", 1, (_, n) => n + 1);
        if (Fault?.Invoke(operation, name) is { } fault) throw fault;
        return call();
    }

    public Task<byte[]?> ReadAsync(string container, string name, CancellationToken cancellationToken = default, long maxBytes = long.MaxValue) =>
        Counted("read", name, () => inner.ReadAsync(container, name, cancellationToken, maxBytes));

    public Task WriteAsync(string container, string name, byte[] content, string contentType, CancellationToken cancellationToken = default) =>
        Counted("write", name, () => inner.WriteAsync(container, name, content, contentType, cancellationToken));

    public Task WriteStreamAsync(string container, string name, Func<Stream, Task> write, string contentType, CancellationToken cancellationToken = default) =>
        Counted("write", name, () => inner.WriteStreamAsync(container, name, write, contentType, cancellationToken));

    public Task<bool> TryCreateAsync(string container, string name, byte[] content, string contentType, CancellationToken cancellationToken = default) =>
        Counted("create", name, () => inner.TryCreateAsync(container, name, content, contentType, cancellationToken));

    public Task<IReadOnlyList<string>> ListAsync(string container, string prefix, CancellationToken cancellationToken = default) =>
        Counted("list", prefix, () => inner.ListAsync(container, prefix, cancellationToken));

    public IAsyncEnumerable<IReadOnlyList<string>> ListPagesAsync(string container, string prefix, CancellationToken cancellationToken = default) =>
        Counted("list", prefix, () => inner.ListPagesAsync(container, prefix, cancellationToken));

    public Task<VersionedBlob?> ReadVersionedAsync(string container, string name, CancellationToken cancellationToken = default) =>
        Counted("read", name, () => inner.ReadVersionedAsync(container, name, cancellationToken));

    public Task<bool> TryReplaceAsync(string container, string name, byte[] content, string contentType, string? etag, CancellationToken cancellationToken = default) =>
        Counted("replace", name, () => inner.TryReplaceAsync(container, name, content, contentType, etag, cancellationToken));

    public Task<string?> GetETagAsync(string container, string name, CancellationToken cancellationToken = default) =>
        Counted("head", name, () => inner.GetETagAsync(container, name, cancellationToken));

    public Task<bool> ExistsAsync(string container, string name, CancellationToken cancellationToken = default) =>
        Counted("head", name, () => inner.ExistsAsync(container, name, cancellationToken));

    public Task DeleteAsync(string container, string name, CancellationToken cancellationToken = default) =>
        Counted("delete", name, () => inner.DeleteAsync(container, name, cancellationToken));
}
