using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace XaiVision.Worker.Tests.EndToEnd;

/// <summary>Looks at the real broker's queues directly (what an operator would check).</summary>
public static class Broker
{
    public static readonly string[] Endpoints = ["submit-audit-job", "submit-audit-job-fault", "audit-shard", "audit-shard-fault", "shard-completed"];

    /// <summary>Messages in the error queues of this run's endpoints (a queue that was never created holds none).</summary>
    public static Task<uint> ErrorMessagesAsync(RealServices services) => ErrorMessagesAsync(services.RabbitMqUri, services.EndpointPrefix);

    /// <summary>The same on any broker, for endpoints named with <paramref name="prefix"/> ("" = the worker's default names).</summary>
    public static async Task<uint> ErrorMessagesAsync(string rabbitMqUri, string prefix)
    {
        var factory = new ConnectionFactory { Uri = new Uri(rabbitMqUri) };
        await using var connection = await factory.CreateConnectionAsync();
        uint total = 0;
        foreach (var endpoint in Endpoints)
        {
            await using var channel = await connection.CreateChannelAsync(); // a failed passive declare closes its channel
            try
            {
                total += (await channel.QueueDeclarePassiveAsync(prefix.Length > 0 ? $"{prefix}-{endpoint}_error" : $"{endpoint}_error")).MessageCount;
            }
            catch (OperationInterruptedException)
            {
            }
        }
        return total;
    }
}
