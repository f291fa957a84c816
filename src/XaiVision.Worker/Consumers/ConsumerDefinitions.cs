using Azure;
using MassTransit;
using Microsoft.Extensions.Options;
using XaiVision.Engine;
using XaiVision.Worker.Hosting;

namespace XaiVision.Worker.Consumers;

/// <summary>
/// Retry policy shared by the consumers: immediate retries for transient infrastructure faults only
/// (I/O, timeouts, 5xx/408/429 from storage). Bad input (<see cref="XaiVisionException"/>) is a business
/// outcome handled inside the consumers and never retried. No delayed redelivery: Debian's RabbitMQ
/// has no delay plug-in.
/// </summary>
static class TransientRetry
{
    public static void Apply(IReceiveEndpointConfigurator endpoint) => endpoint.UseMessageRetry(r =>
    {
        r.Immediate(3);
        r.Handle<IOException>();
        r.Handle<TimeoutException>();
        r.Handle<RequestFailedException>(e => e.Status is 0 or 408 or 429 or >= 500);
        r.Ignore<XaiVisionException>();
    });
}

public sealed class SubmitAuditJobConsumerDefinition : ConsumerDefinition<SubmitAuditJobConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<SubmitAuditJobConsumer> consumer, IRegistrationContext context) =>
        TransientRetry.Apply(endpoint);
}

/// <summary>One shard at a time per GPU slot (Worker:ShardConcurrency), prefetch to match so no shard waits behind a busy worker.</summary>
public sealed class AuditShardConsumerDefinition : ConsumerDefinition<AuditShardConsumer>
{
    readonly int _concurrency;

    public AuditShardConsumerDefinition(IOptions<WorkerOptions> options)
    {
        _concurrency = options.Value.ShardConcurrency;
        ConcurrentMessageLimit = _concurrency;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<AuditShardConsumer> consumer, IRegistrationContext context)
    {
        endpoint.PrefetchCount = _concurrency;
        TransientRetry.Apply(endpoint);
    }
}

public sealed class ShardCompletedConsumerDefinition : ConsumerDefinition<ShardCompletedConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<ShardCompletedConsumer> consumer, IRegistrationContext context) =>
        TransientRetry.Apply(endpoint);
}
