using System.Net;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XaiVision.Worker.Configuration;

namespace XaiVision.Worker.Hosting;

/// <summary>
/// A tiny HTTP endpoint for Kubernetes probes: <c>/healthz/live</c> (the process answers) and
/// <c>/healthz/ready</c> (MassTransit's bus health checks: 200 when healthy, 503 while degraded or unhealthy).
/// </summary>
public sealed class HealthEndpoint(HealthCheckService health, IOptions<TelemetryOptions> options, ILogger<HealthEndpoint> log) : BackgroundService
{
    /// <summary>Liveness: the process answers.</summary>
    public const string LivePath = "/healthz/live";

    /// <summary>Readiness: the bus is healthy.</summary>
    public const string ReadyPath = "/healthz/ready";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int port = options.Value.HealthPort;
        if (port == 0) return;
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://+:{port}/");
        try
        {
            listener.Start();
        }
        catch (HttpListenerException)
        {
            listener.Prefixes.Clear();
            listener.Prefixes.Add($"http://localhost:{port}/");
            listener.Start();
        }
        log.LogInformation("Health endpoint on port {Port}", port);
        using var registration = stoppingToken.Register(listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception) when (stoppingToken.IsCancellationRequested) { break; }
            catch (HttpListenerException) { break; }
            await RespondAsync(context, stoppingToken);
        }
    }

    async Task RespondAsync(HttpListenerContext context, CancellationToken ct)
    {
        var path = context.Request.Url?.AbsolutePath ?? "";
        (int status, string body) = path switch
        {
            LivePath => (200, "Healthy"),
            ReadyPath => await Ready(ct),
            _ => (404, "not found"),
        };
        context.Response.StatusCode = status;
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.ContentType = "text/plain";
        await context.Response.OutputStream.WriteAsync(bytes, ct);
        context.Response.Close();
    }

    async Task<(int, string)> Ready(CancellationToken ct)
    {
        var report = await health.CheckHealthAsync(ct);
        var body = report.Status + "\n" + string.Join("\n", report.Entries.Select(e => $"{e.Key}: {e.Value.Status} {e.Value.Description}"));
        return (report.Status == HealthStatus.Healthy ? 200 : 503, body);
    }
}
