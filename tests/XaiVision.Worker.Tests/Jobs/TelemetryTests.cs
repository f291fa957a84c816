using System.Net;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;
using XaiVision.Worker.Tests.Consumers;
using XaiVision.Worker.Tests.EndToEnd;
using XaiVision.Worker.Tests.Faults;

namespace XaiVision.Worker.Tests.Jobs;

/// <summary>
/// The probe endpoints reflect the worker, and /metrics exposes MassTransit's and our instruments — checked on a worker
/// process of its own (as deployed): MassTransit's meter is process-wide, and a test host disposed earlier in this test process
/// takes it down with it, which made an in-process check flaky.
/// </summary>
[Collection(RealServicesCollection.Name)]
public class TelemetryTests
{
    [Fact]
    public async Task Health_and_metrics_endpoints_answer()
    {
        var services = new RealServices();
        int health = FreePorts.Next(), metrics = FreePorts.Next();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://localhost:{health}/healthz/live")); // nothing listens before start
        var settings = services.Settings();
        settings["Telemetry:HealthPort"] = health.ToString();
        settings["Telemetry:PrometheusPort"] = metrics.ToString();
        using var worker = new WorkerProcess(settings);
        await worker.WaitForLineAsync(l => l.Contains("Application started"), Patience.Start);
        Assert.Equal(HttpStatusCode.OK, (await Retry(() => http.GetAsync($"http://localhost:{health}/healthz/live"))).StatusCode);
        var ready = await Retry(() => http.GetAsync($"http://localhost:{health}/healthz/ready"));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.StartsWith("Healthy", await ready.Content.ReadAsStringAsync());

        using var client = services.Host(consumers: false);
        await client.StartAsync();
        try
        {
            await DemoJob.SeedAsync(client.Services.GetRequiredService<IBlobStore>());
            var outcome = await JobRuns.RunAsync(client.Services.GetRequiredService<IBus>(), WorkerTestServices.CheapDemoSpec($"otel-{Guid.NewGuid():N}"[..13]));
            Assert.NotNull(outcome.Completed);
        }
        finally
        {
            await client.StopAsync();
        }

        // The exporter may serve a cached scrape for a while: read until every instrument shows up (or give up after 60 s).
        string[] expected = ["xaivision_images", "xaivision_shard_duration", "xaivision_stage_duration", "messaging_masstransit"];
        string text = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline && !expected.All(text.Contains); await Task.Delay(500))
        {
            var response = await http.GetAsync($"http://localhost:{metrics}/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            text = await response.Content.ReadAsStringAsync();
        }
        foreach (var name in expected) Assert.Contains(name, text);
    }

    /// <summary>The endpoint answers once the worker has started it: retried for up to 10 s while the listener comes up.</summary>
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
