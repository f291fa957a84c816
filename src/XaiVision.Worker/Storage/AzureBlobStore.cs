using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using XaiVision.Worker.Configuration;

namespace XaiVision.Worker.Storage;

/// <summary>
/// Azure Blob Storage. Transient faults are retried by the SDK's own retry policy (exponential, with
/// jitter, set in <see cref="StorageOptions"/>) and by nothing else, so retries never multiply.
/// Create-if-absent uses <c>If-None-Match: *</c>.
/// </summary>
public sealed class AzureBlobStore(BlobServiceClient client) : IBlobStore
{
    // One creation per container, awaited by every concurrent writer (a writer that went ahead of it got 404s).
    readonly ConcurrentDictionary<string, Lazy<Task>> _ensured = new();

    async Task<BlobContainerClient> Container(string name, bool create, CancellationToken ct)
    {
        var container = client.GetBlobContainerClient(name);
        if (!create) return container;
        var creation = _ensured.GetOrAdd(name, _ => new Lazy<Task>(() => container.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None)));
        try
        {
            await creation.Value.WaitAsync(ct);
        }
        catch when (creation.Value.IsFaulted)
        {
            _ensured.TryRemove(new KeyValuePair<string, Lazy<Task>>(name, creation)); // the next writer tries again
            throw;
        }
        return container;
    }

    public async Task<byte[]?> ReadAsync(string container, string name, CancellationToken cancellationToken = default, long maxBytes = long.MaxValue)
    {
        try
        {
            var blob = (await Container(container, false, cancellationToken)).GetBlobClient(name);
            using var result = (await blob.DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
            BlobTooLargeException.ThrowIfOver(container, name, result.Details.ContentLength, maxBytes);
            var buffer = new MemoryStream((int)Math.Max(0, result.Details.ContentLength));
            await result.Content.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task WriteAsync(string container, string name, byte[] content, string contentType, CancellationToken cancellationToken = default)
    {
        var blob = (await Container(container, true, cancellationToken)).GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken);
    }

    /// <summary>Blocks staged as the stream fills and committed when it closes: the blob appears whole or not at all.</summary>
    public async Task WriteStreamAsync(string container, string name, Func<Stream, Task> write, string contentType, CancellationToken cancellationToken = default)
    {
        var blob = (await Container(container, true, cancellationToken)).GetBlockBlobClient(name);
        await using var stream = await blob.OpenWriteAsync(true, new BlockBlobOpenWriteOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken);
        await write(stream);
    }

    public async Task<bool> TryCreateAsync(string container, string name, byte[] content, string contentType, CancellationToken cancellationToken = default)
    {
        var blob = (await Container(container, true, cancellationToken)).GetBlobClient(name);
        try
        {
            await blob.UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync(string container, string prefix, CancellationToken cancellationToken = default)
    {
        var client = await Container(container, false, cancellationToken);
        var names = new List<string>();
        try
        {
            await foreach (var item in client.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken))
                names.Add(item.Name);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return [];
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public async Task<VersionedBlob?> ReadVersionedAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = (await (await Container(container, false, cancellationToken)).GetBlobClient(name).DownloadContentAsync(cancellationToken)).Value;
            return new VersionedBlob(result.Content.ToArray(), result.Details.ETag.ToString());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary><c>If-Match: etag</c> (or <c>If-None-Match: *</c> for none): the service refuses a write over a newer version with 412.</summary>
    public async Task<bool> TryReplaceAsync(string container, string name, byte[] content, string contentType, string? etag, CancellationToken cancellationToken = default)
    {
        var blob = (await Container(container, true, cancellationToken)).GetBlobClient(name);
        try
        {
            await blob.UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                Conditions = etag is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = new ETag(etag) },
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    public async Task<string?> GetETagAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await (await Container(container, false, cancellationToken)).GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancellationToken)).Value.ETag.ToString();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<IReadOnlyList<string>> ListPagesAsync(string container, string prefix,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var client = await Container(container, false, cancellationToken);
        await using var pages = client.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).AsPages(pageSizeHint: 5000).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await pages.MoveNextAsync()) yield break;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                yield break; // no container: no names
            }
            yield return pages.Current.Values.Select(b => b.Name).ToList();
        }
    }

    public async Task<bool> ExistsAsync(string container, string name, CancellationToken cancellationToken = default) =>
        (await (await Container(container, false, cancellationToken)).GetBlobClient(name).ExistsAsync(cancellationToken)).Value;

    public async Task DeleteAsync(string container, string name, CancellationToken cancellationToken = default) =>
        await (await Container(container, false, cancellationToken)).GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
}
