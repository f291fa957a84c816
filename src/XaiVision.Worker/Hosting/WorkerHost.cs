using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace XaiVision.Worker.Hosting;

/// <summary>
/// Builds the generic host: configuration from appsettings.json beside the program, environment
/// variables (<c>Storage__ConnectionString</c>, <c>Transport__RabbitMqUri</c>, …) and <c>--set Key=Value</c>
/// overrides; validated options; blob store; the bus, with or without the audit consumers.
/// </summary>
public static class WorkerHost
{
    public static IHost Build(IEnumerable<KeyValuePair<string, string?>> overrides, bool consumers, LogLevel logLevel = LogLevel.Information, ILoggerProvider? extraLogs = null,
        Action<IServiceCollection>? replace = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides);
        // Scopes carry job and shard ids into every line (structured as JSON with Logging:Format=json).
        if (builder.Configuration["Logging:Format"] == "json")
            builder.Logging.AddJsonConsole(o => { o.IncludeScopes = true; o.TimestampFormat = "O"; });
        else
            builder.Logging.AddConsole(o => o.FormatterName = OneLineConsoleFormatter.Name).AddConsoleFormatter<OneLineConsoleFormatter, ConsoleFormatterOptions>();
        if (extraLogs is not null) builder.Logging.AddProvider(extraLogs);
        builder.Logging.SetMinimumLevel(logLevel)
            // Trace: everything. Clients (no consumers) say what went wrong in one line of their own, so MassTransit stays quiet there.
            .AddFilter("MassTransit", logLevel == LogLevel.Trace ? LogLevel.Trace : !consumers ? LogLevel.None : logLevel > LogLevel.Warning ? logLevel : LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Hosting", logLevel == LogLevel.Trace || consumers ? logLevel : LogLevel.None);
        builder.Services
            .AddXaiVisionOptions(builder.Configuration)
            .AddBlobStore()
            .AddXaiVisionBus(builder.Configuration, consumers);
        if (consumers) builder.Services.AddAuditWorker().AddXaiVisionTelemetry(builder.Configuration);
        else builder.Services.AddSingleton<IHostLifetime, ClientLifetime>(); // Ctrl+C and SIGTERM go to the verb's cancellation, not to the host
        replace?.Invoke(builder.Services); // last, so an embedding program (or a test's clock) replaces what is registered above
        return builder.Build();
    }

    /// <summary>Parses repeated <c>--set Key=Value</c> arguments.</summary>
    public static List<KeyValuePair<string, string?>> Overrides(IEnumerable<string>? settings)
    {
        var result = new List<KeyValuePair<string, string?>>();
        foreach (var s in settings ?? [])
        {
            var eq = s.IndexOf('=');
            if (eq <= 0) throw new Engine.XaiVisionException($"--set '{s}' is not Key=Value (e.g. Transport:Kind=RabbitMq).");
            result.Add(new(s[..eq].Trim(), s[(eq + 1)..].Trim()));
        }
        return result;
    }
}

/// <summary>A client host leaves signals alone: the CLI's own handler cancels the verb, which then stops the host.</summary>
sealed class ClientLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
