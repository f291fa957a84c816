using Microsoft.Extensions.Hosting;

namespace XaiVision.Worker.Tests.EndToEnd;

/// <summary>
/// Connection settings of the real RabbitMQ and Azurite the end-to-end tests use, from <see cref="ServiceSource"/>:
/// containers where a Docker engine answers, else the ones <c>scripts/test.sh</c> started (<c>XAIVISION_TEST_RABBITMQ</c>,
/// <c>XAIVISION_TEST_AZURITE</c>). Without either the tests fail with what to do — they never skip.
/// </summary>
public sealed class RealServices
{
    public string RabbitMqUri { get; } = ServiceSource.Current.RabbitMqUri;

    public string AzuriteConnectionString { get; } = ServiceSource.Current.Azurite;

    /// <summary>Queue-name prefix unique to this test run, so runs sharing a broker never steal each other's messages.</summary>
    public string EndpointPrefix { get; } = "t" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The settings a worker process or host needs to reach the real services.</summary>
    public Dictionary<string, string?> Settings(string? connectionString = null) => new()
    {
        ["Transport:Kind"] = "RabbitMq",
        ["Transport:RabbitMqUri"] = RabbitMqUri,
        ["Transport:EndpointPrefix"] = EndpointPrefix,
        ["Storage:Kind"] = "Azure",
        ["Storage:ConnectionString"] = connectionString ?? AzuriteConnectionString,
        ["Worker:ModelCacheDirectory"] = Directory.CreateTempSubdirectory("xaivision-models-").FullName,
        ["Worker:BatchSize"] = "4",
    };

    public IHost Host(bool consumers, IDictionary<string, string?>? overrides = null,
        Microsoft.Extensions.Logging.LogLevel logLevel = Microsoft.Extensions.Logging.LogLevel.Warning, Microsoft.Extensions.Logging.ILoggerProvider? logs = null,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? replace = null)
    {
        var settings = Settings();
        foreach (var (k, v) in overrides ?? new Dictionary<string, string?>()) settings[k] = v;
        return Hosting.WorkerHost.Build(settings, consumers, logLevel, logs, replace);
    }

    /// <summary>Azurite's blob port, from the connection string.</summary>
    public int AzuritePort => new Uri(AzuriteConnectionString.Split(';').First(p => p.StartsWith("BlobEndpoint=", StringComparison.Ordinal))["BlobEndpoint=".Length..]).Port;

    /// <summary>The Azurite connection string pointed at another port on loopback (a fault proxy).</summary>
    public string AzuriteVia(int port) => AzuriteConnectionString.Replace($"127.0.0.1:{AzuritePort}", $"127.0.0.1:{port}");

    /// <summary>Runs <c>scripts/services.sh</c> (path in <c>XAIVISION_TEST_SERVICES</c>) with the given arguments, or does the same to the containers.</summary>
    public static void Services(params string[] args)
    {
        if (ServiceSource.Current.Decision.UseDocker && args is ["broker", var action])
        {
            DockerServices.Broker(action);
            return;
        }
        var script = Environment.GetEnvironmentVariable("XAIVISION_TEST_SERVICES")
            ?? throw new InvalidOperationException("XAIVISION_TEST_SERVICES is not set: run ./scripts/test.sh, or eval \"$(scripts/services.sh start)\" first.");
        var start = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(script);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"services.sh {string.Join(' ', args)} failed: {error.Result}");
    }
}
