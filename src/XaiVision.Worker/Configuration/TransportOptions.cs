namespace XaiVision.Worker.Configuration;

public enum TransportKind { InMemory, RabbitMq }

/// <summary>Section <c>Transport</c>: the message broker. <c>RabbitMqUri</c> like <c>amqp://user:pass@host:5672/vhost</c> (from the environment in production).</summary>
public sealed class TransportOptions
{
    public const string Section = "Transport";
    public TransportKind Kind { get; set; } = TransportKind.InMemory;
    public string? RabbitMqUri { get; set; }
    /// <summary>
    /// Isolates a deployment on a shared broker/vhost: queues are named <c>&lt;prefix&gt;-audit-shard</c> and every exchange
    /// (message types, faults) gets the same prefix, so deployments never see each other's messages.
    /// </summary>
    public string? EndpointPrefix { get; set; }
    /// <summary>How long a client (submit, status) or a starting worker waits for the broker before it gives up with one line.</summary>
    public int ConnectTimeoutSeconds { get; set; } = 30;

    public IEnumerable<string> Problems()
    {
        if (Kind == TransportKind.RabbitMq && !Uri.TryCreate(RabbitMqUri, UriKind.Absolute, out _))
            yield return "Transport:RabbitMqUri must be an absolute amqp:// URI when Transport:Kind is RabbitMq.";
        if (EndpointPrefix is { Length: > 0 } prefix && !System.Text.RegularExpressions.Regex.IsMatch(prefix, "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"))
            yield return "Transport:EndpointPrefix may hold letters, digits, '-', '_' and '.' (1–64, starting with a letter or digit).";
        if (ConnectTimeoutSeconds is < 1 or > 3600) yield return "Transport:ConnectTimeoutSeconds must be 1–3600.";
    }
}
