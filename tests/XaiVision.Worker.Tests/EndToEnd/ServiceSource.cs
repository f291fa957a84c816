using System.Net.Sockets;

namespace XaiVision.Worker.Tests.EndToEnd;

/// <summary>
/// Where the real RabbitMQ and Azurite come from, decided once per test run: where a Docker engine answers (a developer
/// laptop, a hosted CI) the tests start them with Testcontainers (<see cref="DockerServices"/>); where none answers (these
/// machines: no engine), they use the ones scripts/test.sh started (<c>XAIVISION_TEST_*</c>). The decision and its reason
/// are logged.
/// </summary>
public static class ServiceSource
{
    public sealed record Decision(bool UseDocker, string Engine, string Reason);

    /// <summary>The engine Testcontainers would use: <c>DOCKER_HOST</c>, else the default unix socket.</summary>
    public static string DefaultEngine => Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";

    /// <summary>The Docker API version Testcontainers 4 uses unless <c>DOCKER_API_VERSION</c> names another.</summary>
    public static readonly Version TestcontainersApi = new(1, 44);

    /// <summary>
    /// Asks <paramref name="engine"/> (<c>unix://path</c> or <c>tcp://host:port</c>) for <c>/_ping</c> (Docker answers "OK") and
    /// <c>/version</c>: an engine older than <see cref="TestcontainersApi"/> is used only with the API pinned (<paramref name="pinnedApi"/>,
    /// else <c>DOCKER_API_VERSION</c>), since Testcontainers would fail every container on it otherwise.
    /// </summary>
    public static async Task<Decision> DecideAsync(string engine, TimeSpan timeout, string? pinnedApi = null)
    {
        try
        {
            var uri = new Uri(engine);
            using var handler = new SocketsHttpHandler();
            Uri ping;
            if (uri.Scheme == "unix")
            {
                if (!File.Exists(uri.AbsolutePath)) return new(false, engine, $"no Docker engine: {uri.AbsolutePath} does not exist");
                handler.ConnectCallback = async (_, ct) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(uri.AbsolutePath), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                };
                ping = new Uri("http://docker/_ping");
            }
            else
            {
                ping = new UriBuilder("http", uri.Host, uri.Port, "/_ping").Uri;
            }
            using var client = new HttpClient(handler) { Timeout = timeout };
            var answer = await client.GetStringAsync(ping);
            if (answer.Trim() != "OK") return new(false, engine, $"{engine} answered '{answer.Trim()}', not a Docker engine's OK");
            var version = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri(ping, "/version"))).RootElement;
            var api = version.TryGetProperty("ApiVersion", out var v) ? v.GetString() ?? "?" : "?";
            pinnedApi ??= Environment.GetEnvironmentVariable("DOCKER_API_VERSION");
            // Testcontainers 4 speaks API 1.44 (Docker 25+) unless DOCKER_API_VERSION pins an older one; Debian 12's docker.io is 1.41.
            return pinnedApi is { Length: > 0 } || (Version.TryParse(api, out var parsed) && parsed >= TestcontainersApi)
                ? new(true, engine, $"a Docker engine answered at {engine} (API {api}{(pinnedApi is { Length: > 0 } ? $", DOCKER_API_VERSION={pinnedApi}" : "")})")
                : new(false, engine, $"the Docker engine at {engine} speaks API {api}, older than the {TestcontainersApi} Testcontainers asks for; "
                    + $"set DOCKER_API_VERSION={api} to use it (scripts/containers.sh does)");
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException or IOException or UriFormatException or System.Text.Json.JsonException)
        {
            return new(false, engine, $"no Docker engine answered at {engine} ({e.Message})");
        }
    }

    static readonly Lazy<Task<(string RabbitMqUri, string Azurite, Decision Decision)>> Started = new(StartAsync);

    /// <summary>The services of this run: started on first use, by the decided source.</summary>
    public static (string RabbitMqUri, string Azurite, Decision Decision) Current => Started.Value.GetAwaiter().GetResult();

    static async Task<(string, string, Decision)> StartAsync()
    {
        var decision = await DecideAsync(DefaultEngine, TimeSpan.FromSeconds(3));
        Console.Error.WriteLine($"real services: {(decision.UseDocker ? "Testcontainers" : "scripts/services.sh")} — {decision.Reason}");
        if (decision.UseDocker)
        {
            var (rabbit, azurite) = await DockerServices.StartAsync();
            return (rabbit, azurite, decision);
        }
        string Variable(string name) => Environment.GetEnvironmentVariable(name)
            ?? throw new InvalidOperationException($"{name} is not set and {decision.Reason}: run ./scripts/test.sh, or eval \"$(scripts/services.sh start)\" first.");
        return (Variable("XAIVISION_TEST_RABBITMQ"), Variable("XAIVISION_TEST_AZURITE"), decision);
    }
}
