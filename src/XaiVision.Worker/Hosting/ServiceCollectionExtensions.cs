using Azure.Storage.Blobs;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Consumers;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;
using XaiVision.Worker.Telemetry;

namespace XaiVision.Worker.Hosting;

/// <summary>Registration, one concern per method; Program and the CLI verbs compose them.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>Options per section, validated when the host starts (a bad configuration stops the host with every problem listed).</summary>
    public static IServiceCollection AddXaiVisionOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateOnStart();
        services.AddOptions<TransportOptions>().Bind(configuration.GetSection(TransportOptions.Section)).ValidateOnStart();
        services.AddOptions<WorkerOptions>().Bind(configuration.GetSection(WorkerOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>>(new ProblemValidator<StorageOptions>(o => o.Problems()));
        services.AddSingleton<IValidateOptions<TransportOptions>>(new ProblemValidator<TransportOptions>(o => o.Problems()));
        services.AddSingleton<IValidateOptions<WorkerOptions>>(new ProblemValidator<WorkerOptions>(o => o.Problems()));
        services.AddOptions<ModelsOptions>().Bind(configuration.GetSection(ModelsOptions.Section));
        services.AddOptions<JobsOptions>().Bind(configuration.GetSection(JobsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JobsOptions>>(new ProblemValidator<JobsOptions>(o => o.Problems()));
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelemetryOptions>>(new ProblemValidator<TelemetryOptions>(o => o.Problems()));
        return services;
    }

    /// <summary>The blob store (file system or Azure, behind the one retry layer and circuit breaker) and the job store over it.</summary>
    public static IServiceCollection AddBlobStore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        return services.AddSingleton<IBlobStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return new GuardedBlobStore(o.Kind == StorageKind.FileSystem ? new FileSystemBlobStore(o.Root) : AzureStore(o), TimeSpan.FromSeconds(o.BreakSeconds),
                sp.GetRequiredService<TimeProvider>());
        }).AddSingleton<JobStore>().AddSingleton<JobCompletion>();
    }

    /// <summary>The SDK's retry policy is the only retry layer for blob requests.</summary>
    static AzureBlobStore AzureStore(StorageOptions o)
    {
        var clientOptions = new BlobClientOptions(BlobClientOptions.ServiceVersion.V2025_01_05);
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(o.NetworkTimeoutSeconds);
        clientOptions.RetryPolicy = new TransientRetryPolicy(o.MaxRetries, TimeSpan.FromMilliseconds(o.RetryDelayMilliseconds));
        return new AzureBlobStore(new BlobServiceClient(o.ConnectionString, clientOptions));
    }

    /// <summary>The audit pipeline: planner, shard and aggregator consumers with their engine services.</summary>
    public static IServiceCollection AddAuditWorker(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ModelCache>();
        services.AddSingleton<ShardRunner>();
        services.AddSingleton<ShardProcessor>();
        services.AddSingleton<JobEnd>();
        services.AddSingleton(sp => new JobPlanner(sp.GetRequiredService<IBlobStore>(), sp.GetRequiredService<IOptions<WorkerOptions>>().Value.MaxManifestBytes));
        services.AddSingleton<JobPlanning>();
        services.AddSingleton<JobAggregation>();
        services.AddSingleton<ShardCrashGuard>();
        services.AddSingleton<JobDeadlineWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<JobDeadlineWatch>());
        // SIGTERM: the current shard gets the grace period, then its token is cancelled (it stops between batches and is
        // redelivered to another worker); the bus and host get a little longer to close the connection cleanly.
        services.AddOptions<MassTransitHostOptions>().Configure<IOptions<WorkerOptions>>((bus, worker) =>
        {
            bus.ConsumerStopTimeout = TimeSpan.FromSeconds(worker.Value.ShutdownGraceSeconds);
            bus.StopTimeout = TimeSpan.FromSeconds(worker.Value.ShutdownGraceSeconds + 10);
        });
        services.AddOptions<HostOptions>().Configure<IOptions<WorkerOptions>>((host, worker) => host.ShutdownTimeout = TimeSpan.FromSeconds(worker.Value.ShutdownGraceSeconds + 15));
        return services;
    }

    /// <summary>
    /// OpenTelemetry: MassTransit's and our meters and activity sources, runtime metrics; OTLP export when
    /// Telemetry:OtlpEndpoint is set, a Prometheus scrape endpoint on Telemetry:PrometheusPort; the probe endpoint.
    /// </summary>
    public static IServiceCollection AddXaiVisionTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("xaivision-worker"))
            .WithMetrics(m =>
            {
                m.AddMeter("MassTransit", WorkerTelemetry.Name).AddRuntimeInstrumentation();
                if (telemetry.Otlp is { } otlp) m.AddOtlpExporter(o => o.Endpoint = otlp);
                if (telemetry.PrometheusPort > 0) m.AddPrometheusHttpListener(o =>
                {
                    o.Port = telemetry.PrometheusPort;
                    // every interface, so Prometheus can scrape the pod IP (the option itself only takes a host name)
                    o.ConfigureHttpListener = (_, listener) =>
                    {
                        listener.Prefixes.Clear();
                        listener.Prefixes.Add($"http://*:{telemetry.PrometheusPort}/");
                    };
                });
            })
            .WithTracing(t =>
            {
                t.AddSource("MassTransit", WorkerTelemetry.Name);
                if (telemetry.Otlp is { } otlp) t.AddOtlpExporter(o => o.Endpoint = otlp);
            });
        services.AddHealthChecks();
        services.AddHostedService<HealthEndpoint>();
        return services;
    }

    /// <summary>
    /// MassTransit on the configured transport; <paramref name="consumers"/> false gives a bus that only sends and listens (CLI
    /// clients). <c>Transport:EndpointPrefix</c> prefixes every queue and every exchange, so deployments sharing a broker never
    /// see each other's messages. Usage telemetry is off: the worker talks to its broker, store and telemetry endpoint only.
    /// </summary>
    public static IServiceCollection AddXaiVisionBus(this IServiceCollection services, IConfiguration configuration, bool consumers)
    {
        var transport = configuration.GetSection(TransportOptions.Section).Get<TransportOptions>() ?? new TransportOptions();
        Environment.SetEnvironmentVariable("MASSTRANSIT_USAGE_TELEMETRY", "false"); // MassTransit reads it too, and it would win over the option
        services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.SetEndpointNameFormatter(JobQueues.Formatter(transport.EndpointPrefix));
            if (consumers) x.AddAuditConsumers();
            if (transport.Kind == TransportKind.RabbitMq && Uri.TryCreate(transport.RabbitMqUri, UriKind.Absolute, out var uri))
            {
                x.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(uri);
                    JobQueues.PrefixExchanges(cfg, transport.EndpointPrefix);
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                x.UsingInMemory((context, cfg) =>
                {
                    JobQueues.PrefixExchanges(cfg, transport.EndpointPrefix);
                    cfg.ConfigureEndpoints(context);
                });
            }
        });
        // Bounded start and stop: a worker or client that cannot reach the broker says so and exits instead of retrying forever.
        services.AddOptions<MassTransitHostOptions>().Configure<IOptions<TransportOptions>>((bus, options) =>
        {
            bus.WaitUntilStarted = true; // "Application started" then means the queues exist and are consumed
            bus.StartTimeout = TimeSpan.FromSeconds(options.Value.ConnectTimeoutSeconds);
            if (!consumers) bus.StopTimeout = TimeSpan.FromSeconds(5);
        });
        return services;
    }

    /// <summary>The audit consumers, each with its definition (retry and concurrency live there).</summary>
    public static void AddAuditConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<SubmitAuditJobConsumer, SubmitAuditJobConsumerDefinition>();
        x.AddConsumer<SubmitAuditJobFaultConsumer, SubmitAuditJobFaultConsumerDefinition>();
        x.AddConsumer<AuditShardConsumer, AuditShardConsumerDefinition>();
        x.AddConsumer<AuditShardFaultConsumer, AuditShardFaultConsumerDefinition>();
        x.AddConsumer<ShardCompletedConsumer, ShardCompletedConsumerDefinition>();
    }
}

/// <summary>Turns an options class's own problem list into an options validation result.</summary>
sealed class ProblemValidator<T>(Func<T, IEnumerable<string>> problems) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var list = problems(options).ToList();
        return list.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(list);
    }
}
