using Microsoft.Extensions.Hosting;

namespace XaiVision.Worker.Tests.EndToEnd;

/// <summary>
/// Connection settings of the real RabbitMQ and Azurite the end-to-end tests use, from the environment
/// (<c>XAIVISION_TEST_RABBITMQ</c>, <c>XAIVISION_TEST_AZURITE</c>; <c>scripts/test.sh</c> starts both and sets them).
/// Without them the tests fail with what to set — they never skip.
/// </summary>
public sealed class RealServices
{
    public string RabbitMqUri { get; } = Environment.GetEnvironmentVariable("XAIVISION_TEST_RABBITMQ")
        ?? throw new InvalidOperationException("XAIVISION_TEST_RABBITMQ is not set: run ./scripts/test.sh, or eval \"$(scripts/services.sh start)\" first.");

    public string AzuriteConnectionString { get; } = Environment.GetEnvironmentVariable("XAIVISION_TEST_AZURITE")
        ?? throw new InvalidOperationException("XAIVISION_TEST_AZURITE is not set: run ./scripts/test.sh, or eval \"$(scripts/services.sh start)\" first.");

    /// <summary>Queue-name prefix unique to this test run, so runs sharing a broker never steal each other's messages.</summary>
    public string EndpointPrefix { get; } = "t" + Guid.NewGuid().ToString("N")[..8];

    public IHost Host(bool consumers) => Hosting.WorkerHost.Build(new Dictionary<string, string?>
    {
        ["Transport:Kind"] = "RabbitMq",
        ["Transport:RabbitMqUri"] = RabbitMqUri,
        ["Transport:EndpointPrefix"] = EndpointPrefix,
        ["Storage:Kind"] = "Azure",
        ["Storage:ConnectionString"] = AzuriteConnectionString,
        ["Worker:ModelCacheDirectory"] = Directory.CreateTempSubdirectory("xaivision-models-").FullName,
        ["Worker:BatchSize"] = "4",
    }, consumers, Microsoft.Extensions.Logging.LogLevel.Warning);
}
