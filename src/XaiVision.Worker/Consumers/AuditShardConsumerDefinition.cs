using MassTransit;
using Microsoft.Extensions.Options;
using XaiVision.Worker.Configuration;

namespace XaiVision.Worker.Consumers;

/// <summary>One shard at a time per GPU slot (Worker:ShardConcurrency), prefetch to match so no shard waits behind a busy worker.</summary>
public sealed class AuditShardConsumerDefinition : ConsumerDefinition<AuditShardConsumer>
{
    readonly int _concurrency;
    readonly StorageOptions _storage;

    public AuditShardConsumerDefinition(IOptions<WorkerOptions> options, IOptions<StorageOptions> storage)
    {
        _concurrency = options.Value.ShardConcurrency;
        _storage = storage.Value;
        ConcurrentMessageLimit = _concurrency;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<AuditShardConsumer> consumer, IRegistrationContext context)
    {
        endpoint.PrefetchCount = _concurrency;
        StoragePause.Apply(endpoint, _storage);
    }
}
