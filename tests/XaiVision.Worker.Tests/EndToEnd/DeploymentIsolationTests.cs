using System.Diagnostics.Tracing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using XaiVision.Worker.Cli;
using XaiVision.Worker.Hosting;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;
using XaiVision.Worker.Tests.Consumers;
using XaiVision.Worker.Tests.Faults;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.EndToEnd;

/// <summary>
/// A deployment keeps to itself on the real RabbitMQ: submissions wait for workers instead of vanishing, prefixed
/// deployments never see each other's messages (queues and exchanges), and a worker talks to nothing but its broker and store.
/// </summary>
[Collection(RealServicesCollection.Name)]
public sealed class DeploymentIsolationTests(ITestOutputHelper log)
{
    readonly RealServices _services = new();
    readonly string _run = Guid.NewGuid().ToString("N")[..8];

    async Task<bool> QueueExistsAsync(string name, bool exchange = false)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(_services.RabbitMqUri) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            if (exchange) await channel.ExchangeDeclarePassiveAsync(name);
            else await channel.QueueDeclarePassiveAsync(name);
            return true;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return false;
        }
    }

    [Fact]
    public async Task A_submission_made_before_any_worker_exists_waits_in_its_queue_and_runs_when_one_starts()
    {
        var prefix = $"fresh-{_run}";
        using var client = _services.Host(consumers: false, new Dictionary<string, string?> { ["Transport:EndpointPrefix"] = prefix });
        await client.StartAsync();
        var store = client.Services.GetRequiredService<IBlobStore>();
        await DemoJob.SeedAsync(store);
        var spec = WorkerTestServices.CheapDemoSpec($"fresh-{_run}");
        var jobId = Guid.NewGuid();
        // No worker has ever declared this deployment's queues: the client's send declares the durable queue itself.
        var wait = await Assert.ThrowsAsync<ServiceUnreachableException>(() => JobRunner.SubmitAsync(client, jobId, spec, TimeSpan.FromSeconds(2), CancellationToken.None));
        Assert.Contains("did not end within 2 s (--timeout)", wait.Message);
        Assert.True(await QueueExistsAsync($"{prefix}-submit-audit-job"));
        await client.StopAsync();

        using var worker = _services.Host(consumers: true, new Dictionary<string, string?> { ["Transport:EndpointPrefix"] = prefix });
        await worker.StartAsync();
        try
        {
            await WorkerTestServices.Until(() => store.ExistsAsync("audits", JobLayout.Report(spec.Location())).Result, "the report of the job submitted before the worker");
        }
        finally
        {
            await worker.StopAsync();
        }
    }

    [Fact]
    public async Task Two_prefixed_deployments_and_an_unprefixed_one_on_one_broker_never_see_each_others_work()
    {
        string teamA = $"teamA-{_run}", teamB = $"teamB-{_run}";
        using var workerA = new WorkerProcess(Settings(teamA));
        using var workerB = new WorkerProcess(Settings(teamB));
        var plain = Settings(null);
        plain.Remove("Transport:EndpointPrefix");
        using var workerPlain = new WorkerProcess(plain);
        foreach (var w in new[] { workerA, workerB, workerPlain }) await w.WaitForLineAsync(l => l.Contains("Application started"), Patience.Start);

        var outcomes = await Task.WhenAll(new[] { (teamA, "a"), (teamB, "b") }.Select(async t =>
        {
            using var client = _services.Host(consumers: false, new Dictionary<string, string?> { ["Transport:EndpointPrefix"] = t.Item1 });
            await client.StartAsync();
            await DemoJob.SeedAsync(client.Services.GetRequiredService<IBlobStore>());
            var jobId = Guid.NewGuid();
            await using var watcher = await JobWatcher.StartAsync(client.Services.GetRequiredService<IBus>(), jobId, _ => { }, CancellationToken.None);
            var queue = await client.Services.GetRequiredService<IBus>().GetSendEndpoint(Hosting.JobQueues.Submit(client.Services.GetRequiredService<IEndpointNameFormatter>()));
            await queue.Send(new Contracts.SubmitAuditJob(jobId, WorkerTestServices.CheapDemoSpec($"iso-{_run}-{t.Item2}")));
            var outcome = await watcher.Outcome.WaitAsync(Patience.Job);
            await client.StopAsync();
            return (JobId: jobId, Outcome: outcome);
        }));
        Assert.All(outcomes, o => Assert.NotNull(o.Outcome.Completed));
        var (jobA, jobB) = (outcomes[0].JobId.ToString(), outcomes[1].JobId.ToString());
        string Shards(WorkerProcess w) => string.Join('\n', w.Lines.Where(l => l.Contains("Shard ") && l.Contains(" started")));
        log.WriteLine($"A:\n{Shards(workerA)}\nB:\n{Shards(workerB)}\nplain:\n{Shards(workerPlain)}");
        Assert.Contains(jobA, Shards(workerA));
        Assert.DoesNotContain(jobB, Shards(workerA));
        Assert.Contains(jobB, Shards(workerB));
        Assert.DoesNotContain(jobA, Shards(workerB));
        Assert.Equal("", Shards(workerPlain));
        Assert.DoesNotContain(workerPlain.Lines, l => l.Contains(jobA) || l.Contains(jobB));

        Assert.True(await QueueExistsAsync($"{teamA}-audit-shard"));
        Assert.True(await QueueExistsAsync($"{teamB}-shard-completed"));
        Assert.True(await QueueExistsAsync($"{teamA}-XaiVision.Contracts:AuditShard", exchange: true));
        Assert.False(await QueueExistsAsync($"{teamA.ToLowerInvariant().Replace("-", "")}audit-shard"));
    }

    Dictionary<string, string?> Settings(string? prefix)
    {
        var settings = _services.Settings();
        settings["Transport:EndpointPrefix"] = prefix;
        return settings;
    }

    [Fact]
    public async Task A_worker_connects_to_its_broker_and_store_only_and_sends_no_usage_telemetry()
    {
        using var sockets = new NetworkEvents();
        using var worker = _services.Host(consumers: true);
        using var client = _services.Host(consumers: false);
        Assert.False(worker.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);
        await worker.StartAsync();
        await client.StartAsync();
        try
        {
            await DemoJob.SeedAsync(client.Services.GetRequiredService<IBlobStore>());
            var outcome = await JobRuns.RunAsync(client.Services.GetRequiredService<IBus>(), WorkerTestServices.CheapDemoSpec($"net-{_run}"));
            Assert.NotNull(outcome.Completed);
        }
        finally
        {
            await worker.StopAsync();
            await client.StopAsync();
        }
        var rabbit = new Uri(_services.RabbitMqUri).Port;
        log.WriteLine($"connections: {string.Join(", ", sockets.Connections.Distinct())}; name lookups: {string.Join(", ", sockets.Lookups.Distinct())}");
        Assert.Contains($"127.0.0.1:{rabbit}", sockets.Connections);
        Assert.Contains($"127.0.0.1:{_services.AzuritePort}", sockets.Connections);
        // Loopback only: other tests of this process (running in parallel) talk to their own local endpoints, but nothing leaves the machine.
        Assert.All(sockets.Connections, c => Assert.Matches(@"^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\]):\d+$", c));
        Assert.All(sockets.Lookups, h => Assert.Contains(h, new[] { "127.0.0.1", "localhost", System.Net.Dns.GetHostName() }));
    }

    /// <summary>Every outgoing connection (System.Net.Sockets), HTTP request (System.Net.Http) and name lookup (System.Net.NameResolution) of this process.</summary>
    sealed class NetworkEvents : EventListener
    {
        public System.Collections.Concurrent.ConcurrentBag<string> Connections { get; } = [];
        public System.Collections.Concurrent.ConcurrentBag<string> Lookups { get; } = [];

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name is "System.Net.Sockets" or "System.Net.NameResolution" or "System.Net.Http") EnableEvents(source, EventLevel.Informational);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName == "ConnectStart" && e.Payload?[0] is string address) Connections.Add(Endpoint(address));
            if (e.EventName == "ResolutionStart" && e.Payload?[0] is string host) Lookups.Add(host);
            if (e.EventName == "RequestStart" && e.Payload is [_, string httpHost, var port, ..]) Connections.Add($"{httpHost}:{port}"); // HTTP (the blob SDK)
        }

        /// <summary>SocketAddress text ("InterNetwork:16:{p1,p2,a,b,c,d,…}", or InterNetworkV6 with the address at bytes 6–21) → "ip:port".</summary>
        static string Endpoint(string socketAddress)
        {
            var open = socketAddress.IndexOf('{');
            if (open < 0) return socketAddress;
            var bytes = socketAddress[(open + 1)..socketAddress.IndexOf('}')].Split(',').Select(byte.Parse).ToArray();
            int port = bytes[0] * 256 + bytes[1];
            var ip = socketAddress.StartsWith("InterNetworkV6:") ? new System.Net.IPAddress(bytes[6..22]) : new System.Net.IPAddress(bytes[2..6]);
            if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
            return $"{ip}:{port}";
        }
    }
}
