using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using XaiVision.Worker.Configuration;

namespace XaiVision.Worker.Hosting;

/// <summary>Starts a host whose bus must reach the broker within Transport:ConnectTimeoutSeconds, or says why it could not.</summary>
public static class BusStart
{
    public static async Task StartAsync(IHost host, CancellationToken ct)
    {
        try
        {
            await host.StartAsync(ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is not OptionsValidationException)
        {
            var transport = host.Services.GetRequiredService<IOptions<TransportOptions>>().Value;
            var health = host.Services.GetService<IBusControl>()?.CheckHealth();
            var reason = Innermost(health?.Exception ?? e).Message.Split('\n', 2)[0].Trim();
            throw new ServiceUnreachableException($"cannot reach the broker at {Redacted(transport.RabbitMqUri)} within {transport.ConnectTimeoutSeconds} s " +
                $"(Transport:ConnectTimeoutSeconds): {reason}");
        }
    }

    /// <summary>The broker address without user or password.</summary>
    public static string Redacted(string? uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var u) ? $"{u.Scheme}://{u.Host}:{(u.IsDefaultPort ? 5672 : u.Port)}{u.AbsolutePath}" : "(no URI)";

    static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
