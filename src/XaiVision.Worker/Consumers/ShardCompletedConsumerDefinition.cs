using MassTransit;
using Microsoft.Extensions.Options;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Consumers;

/// <summary>
/// Storage outages pause the endpoint; a job another worker is aggregating is tried again every quarter lease, for 1.5 leases. Four
/// completions at a time per worker: they all update one small blob, and more in flight only lose more compare-and-swap races.
/// </summary>
public sealed class ShardCompletedConsumerDefinition : ConsumerDefinition<ShardCompletedConsumer>
{
    readonly StorageOptions _storage;
    readonly JobsOptions _jobs;

    public ShardCompletedConsumerDefinition(IOptions<StorageOptions> storage, IOptions<JobsOptions> jobs)
    {
        (_storage, _jobs) = (storage.Value, jobs.Value);
        ConcurrentMessageLimit = 4;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<ShardCompletedConsumer> consumer, IRegistrationContext context)
    {
        StoragePause.Apply(endpoint, _storage);
        consumer.UseMessageRetry(r =>
        {
            r.Interval(6, TimeSpan.FromSeconds(_jobs.AggregationLeaseSeconds / 4.0));
            r.Handle<AggregationBusyException>();
        });
    }
}
