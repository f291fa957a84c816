using System.Net.Sockets;
using Azure;
using Polly;
using Polly.CircuitBreaker;

namespace XaiVision.Worker.Storage;

/// <summary>
/// Wraps a store with a circuit breaker and turns its failures into two outcomes the consumers understand.
/// It never retries a request: the Azure SDK already did (Storage:MaxRetries) — one retry layer, so
/// retries never multiply. Transient failures that outlast the SDK's retries count towards the breaker and
/// surface as <see cref="StorageUnavailableException"/>; while the circuit is open every call fails at once,
/// so a long outage costs no requests and the consumers pause (see <c>StoragePause</c>) instead of burning
/// shards into the error queue. Refusals (403, 400…) surface as <see cref="StorageAccessException"/>: the job
/// fails with a reason. Messages name the blob and the status, never credentials.
/// </summary>
public sealed class GuardedBlobStore : IBlobStore
{
    readonly IBlobStore _inner;
    readonly ResiliencePipeline _breaker;

    /// <param name="clock">The breaker's clock (the host's <see cref="TimeProvider"/>), so a test can pass its break without waiting.</param>
    public GuardedBlobStore(IBlobStore inner, TimeSpan breakDuration, TimeProvider? clock = null)
    {
        _inner = inner;
        _breaker = new ResiliencePipelineBuilder { TimeProvider = clock ?? TimeProvider.System }.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && !args.Context.CancellationToken.IsCancellationRequested && IsTransient(e)),
            FailureRatio = 0.5,
            MinimumThroughput = 2,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = breakDuration,
        }).Build();
    }

    public Task<byte[]?> ReadAsync(string container, string name, CancellationToken cancellationToken = default, long maxBytes = long.MaxValue) =>
        Guard("read", container, name, ct => _inner.ReadAsync(container, name, ct, maxBytes), cancellationToken);

    public Task WriteAsync(string container, string name, byte[] content, string contentType, CancellationToken cancellationToken = default) =>
        Guard("write", container, name, async ct => { await _inner.WriteAsync(container, name, content, contentType, ct); return true; }, cancellationToken);

    public Task WriteStreamAsync(string container, string name, Func<Stream, Task> write, string contentType, CancellationToken cancellationToken = default) =>
        Guard("write", container, name, async ct => { await _inner.WriteStreamAsync(container, name, write, contentType, ct); return true; }, cancellationToken);

    public Task<bool> TryCreateAsync(string container, string name, byte[] content, string contentType, CancellationToken cancellationToken = default) =>
        Guard("create", container, name, ct => _inner.TryCreateAsync(container, name, content, contentType, ct), cancellationToken);

    public Task<IReadOnlyList<string>> ListAsync(string container, string prefix, CancellationToken cancellationToken = default) =>
        Guard("list", container, prefix, ct => _inner.ListAsync(container, prefix, ct), cancellationToken);

    public Task<VersionedBlob?> ReadVersionedAsync(string container, string name, CancellationToken cancellationToken = default) =>
        Guard("read", container, name, ct => _inner.ReadVersionedAsync(container, name, ct), cancellationToken);

    public Task<bool> TryReplaceAsync(string container, string name, byte[] content, string contentType, string? etag, CancellationToken cancellationToken = default) =>
        Guard("update", container, name, ct => _inner.TryReplaceAsync(container, name, content, contentType, etag, ct), cancellationToken);

    public Task<string?> GetETagAsync(string container, string name, CancellationToken cancellationToken = default) =>
        Guard("check", container, name, ct => _inner.GetETagAsync(container, name, ct), cancellationToken);

    /// <summary>Each page's request passes the breaker like any other call.</summary>
    public async IAsyncEnumerable<IReadOnlyList<string>> ListPagesAsync(string container, string prefix,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var pages = _inner.ListPagesAsync(container, prefix, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (await Guard("list", container, prefix, async _ => await pages.MoveNextAsync(), cancellationToken)) yield return pages.Current;
    }

    public Task<bool> ExistsAsync(string container, string name, CancellationToken cancellationToken = default) =>
        Guard("check", container, name, ct => _inner.ExistsAsync(container, name, ct), cancellationToken);

    public Task DeleteAsync(string container, string name, CancellationToken cancellationToken = default) =>
        Guard("delete", container, name, async ct => { await _inner.DeleteAsync(container, name, ct); return true; }, cancellationToken);

    async Task<T> Guard<T>(string operation, string container, string name, Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await _breaker.ExecuteAsync(async token => await call(token), ct);
        }
        catch (BrokenCircuitException e)
        {
            throw new StorageUnavailableException($"Blob storage is unavailable (circuit open after repeated failures); could not {operation} '{container}/{name}'.", e);
        }
        catch (Exception e) when (StorageFullException.Is(e))
        {
            throw new StorageFullException($"No space left on the store: could not {operation} '{container}/{name}'.", e);
        }
        catch (Exception e) when (IsInputFault(e))
        {
            throw new StorageAccessException($"Blob storage refused to {operation} '{container}/{name}': {Describe(e)}");
        }
        catch (Exception e) when (!ct.IsCancellationRequested && IsTransient(e))
        {
            throw new StorageUnavailableException($"Blob storage is unavailable: could not {operation} '{container}/{name}' ({Describe(e)}).", e);
        }
        catch (RequestFailedException e)
        {
            throw new StorageAccessException($"Blob storage refused to {operation} '{container}/{name}' ({Describe(e)}).");
        }
    }

    /// <summary>
    /// The input's fault, not an outage, so never retried: a name or link that leaves the store, a file that is not there or
    /// cannot be opened, a path too long, a blob too large for a stream.
    /// </summary>
    public static bool IsInputFault(Exception e) => e is ArgumentException or FileNotFoundException or DirectoryNotFoundException
        or PathTooLongException or UnauthorizedAccessException or IOException { Message: "Stream was too long." };

    /// <summary>Worth trying again later: no answer, a timeout, throttling or a server error.</summary>
    public static bool IsTransient(Exception e) => !IsInputFault(e) && e switch
    {
        RequestFailedException r => r.Status is 0 or 408 or 429 or >= 500,
        // the Azure SDK reports "retry failed after N tries" as an AggregateException of what each try threw
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsTransient),
        IOException or TimeoutException or HttpRequestException or SocketException => true,
        OperationCanceledException => true, // the SDK's network timeout; a cancelled caller token is excluded by the caller
        _ => false,
    };

    static string Describe(Exception e) => e switch
    {
        RequestFailedException r => $"HTTP {r.Status}{(string.IsNullOrEmpty(r.ErrorCode) ? "" : " " + r.ErrorCode)}",
        AggregateException a when a.InnerExceptions.Count > 0 => $"{a.InnerExceptions.Count} tries, last: {Describe(a.InnerExceptions[^1])}",
        _ when IsInputFault(e) => e.Message.TrimEnd('.') + ".",
        _ => e.GetType().Name,
    };
}
