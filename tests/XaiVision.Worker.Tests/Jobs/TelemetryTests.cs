using System.Net;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using XaiVision.Contracts;
using XaiVision.Worker.Hosting;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;
using XaiVision.Worker.Tests.Consumers;
using XaiVision.Worker.Tests.EndToEnd;

namespace XaiVision.Worker.Tests.Jobs;

/// <summary>The probe endpoint reflects the bus, and the Prometheus endpoint exposes MassTransit's and our instruments.</summary>
public class TelemetryTests
{
    [Fact]
    public async Task Health_and_metrics_endpoints_answer()
    {
        int health = FreePorts.Next(), metrics = FreePorts.Next();
        var root = Directory.CreateTempSubdirectory("xaivision-otel-").FullName;
        using var host = WorkerHost.Build(new Dictionary<string, string?>
        {
            ["Storage:Root"] = root, ["Worker:ModelCacheDirectory"] = Path.Combine(root, "models"),
            ["Telemetry:HealthPort"] = health.ToString(), ["Telemetry:PrometheusPort"] = metrics.ToString(),
        }, consumers: true, Microsoft.Extensions.Logging.LogLevel.Warning);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://localhost:{health}/healthz/live")); // nothing listens before start
        await host.StartAsync();
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await Retry(() => http.GetAsync($"http://localhost:{health}/healthz/live"))).StatusCode);
            var ready = await Retry(() => http.GetAsync($"http://localhost:{health}/healthz/ready"));
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.StartsWith("Healthy", await ready.Content.ReadAsStringAsync());

            var store = host.Services.GetRequiredService<IBlobStore>();
            await DemoJob.SeedAsync(store);
            var bus = host.Services.GetRequiredService<IBus>();
            var jobId = Guid.NewGuid();
            await using var watcher = await JobWatcher.StartAsync(bus, jobId, _ => { }, CancellationToken.None);
            await bus.Publish(new SubmitAuditJob(jobId, WorkerTestServices.CheapDemoSpec("otel")));
            Assert.NotNull((await watcher.Outcome.WaitAsync(TimeSpan.FromMinutes(2))).Completed);

            // The exporter may serve a cached scrape for a while: read until every instrument shows up (or give up after 60 s).
            string[] expected = ["xaivision_images", "xaivision_shard_duration", "xaivision_stage_duration", "messaging_masstransit"];
            string text = "";
            for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline && !expected.All(text.Contains); await Task.Delay(500))
            {
                var response = await http.GetAsync($"http://localhost:{metrics}/metrics");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                text = await response.Content.ReadAsStringAsync();
            }
            Assert.Contains("xaivision_images", text);
            Assert.Contains("xaivision_shard_duration", text);
            Assert.Contains("xaivision_stage_duration", text);
            Assert.Contains("messaging_masstransit", text);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>The endpoint answers once the host has started it: retried for up to 10 s while the listener comes up.</summary>
    static async Task<HttpResponseMessage> Retry(Func<Task<HttpResponseMessage>> call)
    {
        for (int i = 0; ; i++)
        {
            try
            {
                var response = await call();
                if (response.StatusCode == HttpStatusCode.OK || i > 100) return response;
            }
            catch (HttpRequestException) when (i < 100) { }
            await Task.Delay(100);
        }
    }
}
