using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Hosting;

namespace XaiVision.Worker.Cli;

/// <summary>
/// The client verbs' host (submit, submit-demo, status): no consumers; the bus, when needed, must connect within
/// Transport:ConnectTimeoutSeconds; stopping is bounded too, so an unreachable broker never keeps the process alive.
/// </summary>
public static class ClientHost
{
    public static async Task<int> RunAsync(string[]? settings, bool broker, string verb, Func<IHost, Task<int>> action, CancellationToken ct)
    {
        using var host = WorkerHost.Build(WorkerHost.Overrides(settings), consumers: false, Microsoft.Extensions.Logging.LogLevel.Warning);
        if (!broker) return await action(host);
        if (host.Services.GetRequiredService<IOptions<TransportOptions>>().Value.Kind != TransportKind.RabbitMq)
            throw new Engine.XaiVisionException($"{verb} needs a broker: set Transport:Kind=RabbitMq and Transport:RabbitMqUri (for a local run without services use 'demo').");
        await BusStart.StartAsync(host, ct);
        try
        {
            return await action(host);
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await host.StopAsync(stop.Token); }
            catch (Exception) when (stop.IsCancellationRequested) { } // the broker went away: nothing left to say goodbye to
        }
    }
}
