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
            var innermost = Innermost(health?.Exception ?? e);
            var reason = innermost.Message.Split('\n', 2)[0].Trim();
            // A refused login is answered at once: saying "within 30 s" of it would send the user looking at the network.
            if (innermost is RabbitMQ.Client.Exceptions.AuthenticationFailureException || reason.Contains("ACCESS_REFUSED", StringComparison.Ordinal))
                throw new ServiceUnreachableException($"the broker at {Redacted(transport.RabbitMqUri)} refused the login: check the user and password in " +
                    $"Transport:RabbitMqUri ({reason})");
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
