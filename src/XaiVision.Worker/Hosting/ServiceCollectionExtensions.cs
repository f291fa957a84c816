using Azure.Core;
using Azure.Storage.Blobs;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using XaiVision.Worker.Consumers;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;

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
        return services;
    }

    public static IServiceCollection AddBlobStore(this IServiceCollection services) =>
        services.AddSingleton<IBlobStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            if (o.Kind == StorageKind.FileSystem) return new FileSystemBlobStore(o.Root);
            var clientOptions = new BlobClientOptions(BlobClientOptions.ServiceVersion.V2025_01_05);
            clientOptions.Retry.Mode = RetryMode.Exponential;
            clientOptions.Retry.MaxRetries = o.MaxRetries;
            clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(60);
            return new AzureBlobStore(new BlobServiceClient(o.ConnectionString, clientOptions));
        });

    /// <summary>The audit pipeline: planner, shard and aggregator consumers with their engine services.</summary>
    public static IServiceCollection AddAuditWorker(this IServiceCollection services)
    {
        services.AddSingleton<ModelCache>();
        services.AddSingleton<ShardProcessor>();
        services.AddOptions<HostOptions>().Configure<IOptions<WorkerOptions>>((host, worker) => host.ShutdownTimeout = TimeSpan.FromSeconds(worker.Value.ShutdownGraceSeconds));
        return services;
    }

    /// <summary>MassTransit on the configured transport; <paramref name="consumers"/> false gives a bus that only sends and listens (CLI submit).</summary>
    public static IServiceCollection AddXaiVisionBus(this IServiceCollection services, IConfiguration configuration, bool consumers)
    {
        var transport = configuration.GetSection(TransportOptions.Section).Get<TransportOptions>() ?? new TransportOptions();
        services.AddMassTransit(x =>
        {
            x.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(transport.EndpointPrefix, false));
            if (consumers)
            {
                x.AddConsumer<SubmitAuditJobConsumer, SubmitAuditJobConsumerDefinition>();
                x.AddConsumer<AuditShardConsumer, AuditShardConsumerDefinition>();
                x.AddConsumer<ShardCompletedConsumer, ShardCompletedConsumerDefinition>();
            }
            if (transport.Kind == TransportKind.RabbitMq && Uri.TryCreate(transport.RabbitMqUri, UriKind.Absolute, out var uri))
            {
                x.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(uri);
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            }
        });
        return services;
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
