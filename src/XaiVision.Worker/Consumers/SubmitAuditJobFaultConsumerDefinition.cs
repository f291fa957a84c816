using MassTransit;
using Microsoft.Extensions.Options;
using XaiVision.Worker.Configuration;

namespace XaiVision.Worker.Consumers;

public sealed class SubmitAuditJobFaultConsumerDefinition(IOptions<StorageOptions> storage) : ConsumerDefinition<SubmitAuditJobFaultConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<SubmitAuditJobFaultConsumer> consumer,
        IRegistrationContext context) => StoragePause.Apply(endpoint, storage.Value);
}
