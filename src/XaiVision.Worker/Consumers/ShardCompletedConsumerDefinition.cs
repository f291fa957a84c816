using MassTransit;
using Microsoft.Extensions.Options;
using XaiVision.Worker.Configuration;

namespace XaiVision.Worker.Consumers;

/// <summary>Storage outages pause the endpoint; a job another worker is aggregating is tried again every quarter lease, for 1.5 leases.</summary>
public sealed class ShardCompletedConsumerDefinition(IOptions<StorageOptions> storage, IOptions<JobsOptions> jobs) : ConsumerDefinition<ShardCompletedConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<ShardCompletedConsumer> consumer, IRegistrationContext context)
    {
        StoragePause.Apply(endpoint, storage.Value);
        consumer.UseMessageRetry(r =>
        {
            r.Interval(6, TimeSpan.FromSeconds(jobs.Value.AggregationLeaseSeconds / 4.0));
            r.Handle<AggregationBusyException>();
        });
    }
}
