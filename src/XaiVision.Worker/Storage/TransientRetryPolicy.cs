using System.Net.Sockets;
using Azure.Core;
using Azure.Core.Pipeline;

namespace XaiVision.Worker.Storage;

/// <summary>
/// The Azure SDK's retry policy (exponential with jitter, Storage:MaxRetries) — the one retry layer for blob requests —
/// extended to a raw <see cref="SocketException"/> from the transport (a connection reset at the wrong moment): the SDK's
/// default classifier retries only IOExceptions and failed responses, so such a reset failed a request on its first try.
/// </summary>
sealed class TransientRetryPolicy(int maxRetries, TimeSpan delay)
    : RetryPolicy(maxRetries, DelayStrategy.CreateExponentialDelayStrategy(delay, TimeSpan.FromSeconds(30)))
{
    protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
        exception is SocketException || base.ShouldRetry(message, exception);

    protected override ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
        exception is SocketException ? ValueTask.FromResult(true) : base.ShouldRetryAsync(message, exception);
}
