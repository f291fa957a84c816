using System.Net;
using System.Net.Sockets;
using System.Text;

namespace XaiVision.Worker.Tests.EndToEnd;

/// <summary>The fixture's decision, both ways: no engine → the script's services; an engine that answers /_ping → Testcontainers.</summary>
public class ServiceSourceTests
{
    [Fact]
    public async Task Without_an_engine_the_script_services_are_used_and_the_reason_is_said()
    {
        var closed = FreePorts.Next();
        var decision = await ServiceSource.DecideAsync($"tcp://127.0.0.1:{closed}", TimeSpan.FromSeconds(2));
        Assert.False(decision.UseDocker);
        Assert.Contains($"no Docker engine answered at tcp://127.0.0.1:{closed}", decision.Reason);

        var missing = await ServiceSource.DecideAsync("unix:///nonexistent/docker.sock", TimeSpan.FromSeconds(2));
        Assert.False(missing.UseDocker);
        Assert.Contains("/nonexistent/docker.sock does not exist", missing.Reason);
    }

    /// <summary>
    /// A listener that answers like Docker's /_ping and /version: the Docker branch is chosen (up to where it would start containers)
    /// when the engine's API is one Testcontainers speaks, or when DOCKER_API_VERSION pins the older one.
    /// </summary>
    [Theory]
    [InlineData("OK", "1.47", null, true)]
    [InlineData("OK", "1.41", null, false)]
    [InlineData("OK", "1.41", "1.41", true)]
    [InlineData("nginx", "1.47", null, false)]
    public async Task An_engine_that_answers_ping_is_used_if_Testcontainers_speaks_its_API(string ping, string api, string? pinned, bool docker)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var server = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                var stream = client.GetStream();
                var request = new byte[4096];
                var line = Encoding.ASCII.GetString(request, 0, await stream.ReadAsync(request));
                var body = line.StartsWith("GET /_ping ") ? ping : line.StartsWith("GET /version ") ? $"{{\"ApiVersion\":\"{api}\"}}" : "";
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"));
            }
        });
        var decision = await ServiceSource.DecideAsync($"tcp://127.0.0.1:{port}", TimeSpan.FromSeconds(5), pinned ?? "");
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server);
        Assert.Equal(docker, decision.UseDocker);
        Assert.Contains($"127.0.0.1:{port}", decision.Reason);
        if (ping == "OK" && !docker) Assert.Contains($"speaks API {api}, older than the 1.44 Testcontainers asks for; set DOCKER_API_VERSION={api}", decision.Reason);
    }

    [Fact]
    public void This_run_decided_and_has_services()
    {
        var (rabbit, azurite, decision) = ServiceSource.Current;
        Assert.StartsWith("amqp://", rabbit);
        Assert.Contains("BlobEndpoint=", azurite);
        Assert.Equal(decision.UseDocker, decision.Reason.StartsWith("a Docker engine answered"));
    }
}
