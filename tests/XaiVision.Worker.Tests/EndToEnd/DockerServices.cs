using DotNet.Testcontainers.Builders;
using Testcontainers.RabbitMq;

namespace XaiVision.Worker.Tests.EndToEnd;

/// <summary>
/// RabbitMQ and Azurite 3.35.0 in containers (Testcontainers), on fixed free host ports so a stopped and restarted broker
/// comes back where the workers look for it (the broker-restart test). Used only where a Docker engine answers. The images are
/// the public ones unless <c>XAIVISION_TEST_RABBITMQ_IMAGE</c> / <c>XAIVISION_TEST_AZURITE_IMAGE</c> name others (scripts/containers.sh
/// passes the local stand-ins build-local.sh made, where no registry answers).
/// </summary>
public static class DockerServices
{
    static RabbitMqContainer? _rabbit;

    public static async Task<(string RabbitMqUri, string Azurite)> StartAsync()
    {
        int amqp = FreePorts.Next(), blob = FreePorts.Next();
        _rabbit = new RabbitMqBuilder(Image("XAIVISION_TEST_RABBITMQ_IMAGE", "rabbitmq:3.13")).WithUsername("guest").WithPassword("guest").WithPortBinding(amqp, 5672).Build();
        var azurite = new ContainerBuilder(Image("XAIVISION_TEST_AZURITE_IMAGE", "mcr.microsoft.com/azure-storage/azurite:3.35.0"))
            .WithCommand("azurite-blob", "--blobHost", "0.0.0.0", "--skipApiVersionCheck", "--disableTelemetry")
            .WithPortBinding(blob, 10000)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilInternalTcpPortIsAvailable(10000))
            .Build();
        await Task.WhenAll(_rabbit.StartAsync(), azurite.StartAsync());
        const string account = "devstoreaccount1";
        const string key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        return ($"amqp://guest:guest@127.0.0.1:{amqp}/",
            $"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={key};BlobEndpoint=http://127.0.0.1:{blob}/{account};");
    }

    static string Image(string variable, string publicImage) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } local ? local : publicImage;

    /// <summary>Stops or starts the broker container (what scripts/services.sh broker stop|start does for the script services).</summary>
    public static void Broker(string action)
    {
        var rabbit = _rabbit ?? throw new InvalidOperationException("no broker container was started");
        (action == "stop" ? rabbit.StopAsync() : rabbit.StartAsync()).GetAwaiter().GetResult();
    }
}
