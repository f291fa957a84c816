using MassTransit;
using Microsoft.Extensions.Options;
using XaiVision.Worker.Configuration;

namespace XaiVision.Worker.Consumers;

public sealed class ShardCompletedConsumerDefinition(IOptions<StorageOptions> storage) : ConsumerDefinition<ShardCompletedConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<ShardCompletedConsumer> consumer, IRegistrationContext context) =>
        StoragePause.Apply(endpoint, storage.Value);
}
