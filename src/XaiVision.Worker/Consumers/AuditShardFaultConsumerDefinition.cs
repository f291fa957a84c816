using MassTransit;
using Microsoft.Extensions.Options;
using XaiVision.Worker.Configuration;

namespace XaiVision.Worker.Consumers;

public sealed class AuditShardFaultConsumerDefinition(IOptions<StorageOptions> storage) : ConsumerDefinition<AuditShardFaultConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<AuditShardFaultConsumer> consumer, IRegistrationContext context) =>
        StoragePause.Apply(endpoint, storage.Value);
}
