using MassTransit;
using XaiVision.Engine;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Consumers;

/// <summary>
/// The consumers' one infrastructure policy: when blob storage is unavailable (the SDK's retries are spent,
/// or the circuit is open) the message is held and the whole step tried again every Storage:BreakSeconds, for
/// up to Storage:OutagePatienceSeconds. Held messages fill the consumer's concurrency limit, so consumption
/// pauses through an outage instead of every shard landing in the error queue. Individual requests are
/// not retried here (the SDK does that); bad input (<see cref="XaiVisionException"/>) is a business outcome
/// handled inside the consumers and never retried. No delayed redelivery: Debian's RabbitMQ has no delay plug-in.
/// </summary>
static class StoragePause
{
    public static void Apply(IReceiveEndpointConfigurator endpoint, StorageOptions storage) => endpoint.UseMessageRetry(r =>
    {
        r.Interval(Math.Max(1, storage.OutagePatienceSeconds / storage.BreakSeconds), TimeSpan.FromSeconds(storage.BreakSeconds));
        r.Handle<StorageUnavailableException>();
        r.Handle<IOException>(); // local disk (model cache)
        r.Ignore<XaiVisionException>();
    });
}
