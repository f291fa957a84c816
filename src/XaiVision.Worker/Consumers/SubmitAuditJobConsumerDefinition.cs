using MassTransit;
using Microsoft.Extensions.Options;
using XaiVision.Worker.Configuration;

namespace XaiVision.Worker.Consumers;

public sealed class SubmitAuditJobConsumerDefinition(IOptions<StorageOptions> storage) : ConsumerDefinition<SubmitAuditJobConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<SubmitAuditJobConsumer> consumer, IRegistrationContext context) =>
        StoragePause.Apply(endpoint, storage.Value);
}
