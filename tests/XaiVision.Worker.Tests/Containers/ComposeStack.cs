using System.Diagnostics;
using XaiVision.Worker.Tests.EndToEnd;

namespace XaiVision.Worker.Tests.Containers;

/// <summary>
/// The repository's docker-compose.yml (or a variant of it) brought up as a compose project with the local images and free host
/// ports: RabbitMQ, Azurite and N workers, each worker ready on the chart's readiness probe before <see cref="UpAsync"/> returns.
/// </summary>
public sealed class ComposeStack
{
    public const int HealthPort = 8080; // the image's Telemetry__HealthPort and the chart's telemetry.healthPort (a test checks both)
    public const string ReadyPath = Hosting.HealthEndpoint.ReadyPath;
    public const string LivePath = Hosting.HealthEndpoint.LivePath;

    public string Project { get; }
    public string File { get; }
    public int AmqpPort { get; } = FreePorts.Next();
    public int ManagementPort { get; } = FreePorts.Next();
    public int BlobPort { get; } = FreePorts.Next();
    public TimeSpan UpTime { get; private set; }

    /// <summary>The worker image this project runs (<see cref="Docker.WorkerImage"/> unless a test breaks one on purpose).</summary>
    public string WorkerImage { get; }

    public ComposeStack(string? file = null, string? workerImage = null) =>
        (Project, File, WorkerImage) = ("xv" + Guid.NewGuid().ToString("N")[..8], file ?? RepositoryFile, workerImage ?? Docker.WorkerImage);

    public static string RepositoryFile => Path.Combine(Shape.SourceTree.Root, "docker-compose.yml");

    IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["RABBITMQ_IMAGE"] = Docker.RabbitMqImage,
        ["AZURITE_IMAGE"] = Docker.AzuriteImage,
        ["WORKER_IMAGE"] = WorkerImage,
        ["RABBITMQ_PORT"] = AmqpPort.ToString(),
        ["RABBITMQ_UI_PORT"] = ManagementPort.ToString(),
        ["AZURITE_PORT"] = BlobPort.ToString(),
    };

    public Docker.Result Compose(params string[] args) => Docker.Compose(Environment, ["-p", Project, "-f", File, .. args]);

    /// <summary>
    /// Starts the project and waits for every worker to answer the readiness probe; a worker that exits fails it at once with its
    /// last lines (<see cref="ContainerFailedException"/>). Call <see cref="Down"/> whatever happens.
    /// </summary>
    public async Task UpAsync(int workers)
    {
        var clock = Stopwatch.StartNew();
        var up = Compose("up", "-d", "--no-build", "--scale", $"worker={workers}", "rabbitmq", "azurite", "worker");
        if (up.ExitCode != 0) throw new ContainerFailedException($"compose up failed ({up.ExitCode}): {up.Error.Trim()}");
        await Task.WhenAll(Workers().Select(w => Docker.WaitReadyAsync(w, HealthPort, ReadyPath, Patience.Start)));
        UpTime = clock.Elapsed;
    }

    IReadOnlyList<string> Containers(string filter) =>
        Docker.Must("ps", "-aq", "--no-trunc", "--filter", $"label=com.docker.compose.project={Project}", "--filter", filter)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Every worker container of the project, running or not.</summary>
    public IReadOnlyList<string> Workers() => Containers("label=com.docker.compose.service=worker");

    public string Service(string name) => Containers($"label=com.docker.compose.service={name}").Single();

    /// <summary>The project's network: where a container run by hand (the chart's pod) joins the stack.</summary>
    public string Network => Docker.Must("network", "ls", "-q", "--filter", $"label=com.docker.compose.project={Project}").Split('\n')[0];

    /// <summary>Settings for a client host on this machine (submit, watch, read outputs) through the published ports.</summary>
    public Dictionary<string, string?> ClientSettings(string endpointPrefix = "") => new()
    {
        ["Transport:Kind"] = "RabbitMq",
        ["Transport:RabbitMqUri"] = $"amqp://guest:guest@127.0.0.1:{AmqpPort}/",
        ["Transport:EndpointPrefix"] = endpointPrefix,
        ["Storage:Kind"] = "Azure",
        ["Storage:ConnectionString"] = AzuriteConnection("127.0.0.1", BlobPort),
    };

    /// <summary>Azurite's published development account (not a secret), at <paramref name="host"/>.</summary>
    public static string AzuriteConnection(string host, int port) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + $"BlobEndpoint=http://{host}:{port}/devstoreaccount1;";

    /// <summary><c>down -v</c>, then what is left of the project (containers, volumes, networks): empty when it cleaned up.</summary>
    public IReadOnlyList<string> Down()
    {
        var down = Compose("down", "-v", "--remove-orphans", "-t", "30");
        if (down.ExitCode != 0) return [$"compose down failed: {down.Error.Trim()}"];
        var label = $"label=com.docker.compose.project={Project}";
        return Docker.Must("ps", "-aq", "--filter", label).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(c => "container " + c)
            .Concat(Docker.Must("volume", "ls", "-q", "--filter", label).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(v => "volume " + v))
            .Concat(Docker.Must("network", "ls", "-q", "--filter", label).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(n => "network " + n))
            .ToList();
    }
}
