namespace XaiVision.Worker.Hosting;

public enum TransportKind { InMemory, RabbitMq }

/// <summary>Section <c>Transport</c>: the message broker. <c>RabbitMqUri</c> like <c>amqp://user:pass@host:5672/vhost</c> (from the environment in production).</summary>
public sealed class TransportOptions
{
    public const string Section = "Transport";
    public TransportKind Kind { get; set; } = TransportKind.InMemory;
    public string? RabbitMqUri { get; set; }
    /// <summary>Prefix for queue names, so several deployments (or test runs) can share one broker.</summary>
    public string? EndpointPrefix { get; set; }

    public IEnumerable<string> Problems()
    {
        if (Kind == TransportKind.RabbitMq && !Uri.TryCreate(RabbitMqUri, UriKind.Absolute, out _))
            yield return "Transport:RabbitMqUri must be an absolute amqp:// URI when Transport:Kind is RabbitMq.";
    }
}
