using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace XaiVision.Worker.Hosting;

/// <summary>
/// Builds the generic host: configuration from appsettings.json beside the program, environment
/// variables (<c>Storage__ConnectionString</c>, <c>Transport__RabbitMqUri</c>, …) and <c>--set Key=Value</c>
/// overrides; validated options; blob store; the bus, with or without the audit consumers.
/// </summary>
public static class WorkerHost
{
    public static IHost Build(IEnumerable<KeyValuePair<string, string?>> overrides, bool consumers, LogLevel logLevel = LogLevel.Information, ILoggerProvider? extraLogs = null)
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
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.IncludeScopes = true; o.TimestampFormat = "HH:mm:ss "; });
        if (extraLogs is not null) builder.Logging.AddProvider(extraLogs);
        builder.Logging.SetMinimumLevel(logLevel)
            .AddFilter("MassTransit", logLevel == LogLevel.Trace ? LogLevel.Trace : logLevel > LogLevel.Warning ? logLevel : LogLevel.Warning); // Trace: everything
        builder.Services
            .AddXaiVisionOptions(builder.Configuration)
            .AddBlobStore()
            .AddXaiVisionBus(builder.Configuration, consumers);
        if (consumers) builder.Services.AddAuditWorker().AddXaiVisionTelemetry(builder.Configuration);
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
