using System.Net;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;
using XaiVision.Worker.Tests.Consumers;
using XaiVision.Worker.Tests.EndToEnd;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Faults;

/// <summary>The real RabbitMQ stops and starts again in the middle of a job (every connection drops; durable queues survive).</summary>
[Collection(RealServicesCollection.Name)]
public sealed class BrokerRestartTests(ITestOutputHelper log)
{
    readonly RealServices _services = new();
    readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_broker_restart_mid_job_turns_readiness_red_then_green_and_the_job_completes_as_a_clean_run()
    {
        int health = FreePorts.Next();
        using var worker = _services.Host(consumers: true, new Dictionary<string, string?> { ["Telemetry:HealthPort"] = health.ToString(), ["Worker:BatchSize"] = "1" });
        using var client = _services.Host(consumers: false);
        await worker.StartAsync();
        await client.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        async Task<HttpStatusCode> Ready()
        {
            try { return (await http.GetAsync($"http://localhost:{health}/healthz/ready")).StatusCode; }
            catch (HttpRequestException) { return 0; }
        }
        try
        {
            var store = client.Services.GetRequiredService<IBlobStore>();
            await DemoJob.SeedAsync(store);
            var bus = client.Services.GetRequiredService<IBus>();
            var clean = $"broker-{_run}-clean";
            Assert.NotNull((await JobRuns.RunAsync(bus, WorkerTestServices.CheapDemoSpec(clean))).Completed);
            Assert.Equal(HttpStatusCode.OK, await Ready());

            var restarted = $"broker-{_run}-restart";
            await bus.Publish(new SubmitAuditJob(Guid.NewGuid(), WorkerTestServices.CheapDemoSpec(restarted)));
            await Until(async () => (await store.ListAsync("audits", restarted + "/shards/")).Count >= 1, "the first shard result");

            RealServices.Services("broker", "stop");
            try
            {
                await Until(async () => await Ready() != HttpStatusCode.OK, "readiness to report the lost broker");
                log.WriteLine($"broker down: ready = {await Ready()}");
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
            finally
            {
                RealServices.Services("broker", "start");
            }
            await Until(async () => await Ready() == HttpStatusCode.OK, "readiness to recover");
            // Events published while the broker was down may be lost to a watcher; the report in storage is the truth.
            await Until(async () => await store.ExistsAsync("audits", restarted + "/report.json"), "the job's report");

            Outputs.AssertSame(await WorkerTestServices.SnapshotAsync(store, "audits", clean + "/"), clean + "/",
                await WorkerTestServices.SnapshotAsync(store, "audits", restarted + "/"), restarted + "/");
            Assert.Equal(0u, await Broker.ErrorMessagesAsync(_services));
        }
        finally
        {
            await worker.StopAsync();
            await client.StopAsync();
        }
    }

    static async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience.Job;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(200);
        }
    }
}
