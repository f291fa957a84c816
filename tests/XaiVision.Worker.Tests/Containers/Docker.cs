using System.Diagnostics;

namespace XaiVision.Worker.Tests.Containers;

/// <summary>
/// The docker CLI against the engine <c>DOCKER_HOST</c> (or the default socket) points to: scripts/containers.sh starts one
/// where none runs, builds the images (deploy/docker/build-local.sh) and then runs the tests of this folder.
/// </summary>
public static class Docker
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string All => Output + Error;
    }

    /// <summary>The product's images, as build-local.sh names them (overridable as stack-demo.sh's are).</summary>
    public static string WorkerImage => Variable("WORKER_IMAGE", "xaivision-worker:cpu");
    public static string RabbitMqImage => Variable("RABBITMQ_IMAGE", "local/rabbitmq:3.13-management");
    public static string AzuriteImage => Variable("AZURITE_IMAGE", "local/azurite:3.35.0");

    static string Variable(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } set ? set : fallback;

    public static Result Run(params string[] args) => Exec("docker", args, TimeSpan.FromMinutes(5));

    /// <summary>Runs docker and returns its trimmed output; a failure throws with docker's own words.</summary>
    public static string Must(params string[] args)
    {
        var result = Run(args);
        return result.ExitCode == 0 ? result.Output.Trim()
            : throw new InvalidOperationException($"docker {string.Join(' ', args)} failed ({result.ExitCode}): {result.Error.Trim()}");
    }

    public static Result Exec(string file, IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout.TotalSeconds:F0} s");
        }
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    static readonly Lazy<bool> ComposePlugin = new(() => Exec("docker", ["compose", "version"], TimeSpan.FromSeconds(30)).ExitCode == 0);

    /// <summary><c>docker compose</c> where the plugin is installed, else Debian's <c>docker-compose</c> (1.29).</summary>
    public static Result Compose(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        return ComposePlugin.Value ? Exec("docker", ["compose", .. args], TimeSpan.FromMinutes(10), environment)
            : Exec("docker-compose", args, TimeSpan.FromMinutes(10), environment);
    }

    public static string State(string container) => Must("inspect", "-f", "{{.State.Status}}", container);

    public static int ExitCode(string container) => int.Parse(Must("inspect", "-f", "{{.State.ExitCode}}", container));

    /// <summary>The container's address on its (first) network: the host reaches a bridge network's containers directly.</summary>
    public static string? Address(string container) =>
        Must("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", container).Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();

    public static string Logs(string container, int tail = 400) => Run("logs", "--tail", tail.ToString(), container).All;

    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>An HTTP GET as a kubelet's httpGet probe makes it: the status code, or null when nothing answers.</summary>
    public static async Task<int?> ProbeAsync(string container, int port, string path)
    {
        if (Address(container) is not { } address) return null; // not running (any more)
        try
        {
            using var answer = await Http.GetAsync($"http://{address}:{port}{path}");
            return (int)answer.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Waits until <paramref name="container"/> answers 200 on the probe, failing at once (with its logs) if it exits.</summary>
    public static async Task WaitReadyAsync(string container, int port, string path, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (State(container) is "exited" or "dead")
                throw new ContainerFailedException($"container {container[..12]} exited ({ExitCode(container)}) before {path} answered 200; its last lines:\n{Logs(container, 15)}");
            if (await ProbeAsync(container, port, path) == 200) return;
            if (clock.Elapsed > within)
                throw new ContainerFailedException($"container {container[..12]} did not answer 200 on :{port}{path} within {within.TotalSeconds:F0} s; its last lines:\n{Logs(container, 15)}");
            await Task.Delay(500);
        }
    }
}

/// <summary>A container that exited or never became ready: what the container tests catch in a broken image or compose file.</summary>
public sealed class ContainerFailedException(string message) : Exception(message);
