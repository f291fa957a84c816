namespace XaiVision.Worker.Tests.EndToEnd;

/// <summary>
/// Tests on the shared RabbitMQ and Azurite run one class at a time: one of them restarts the broker, others
/// count the error queues or time worker processes, and none should see another's faults.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RealServicesCollection
{
    public const string Name = "real services";
}
