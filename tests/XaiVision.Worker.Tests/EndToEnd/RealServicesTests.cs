using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;
using XaiVision.Worker.Tests.Consumers;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.EndToEnd;

/// <summary>Two worker hosts and a client on a real RabbitMQ, results in a real Azurite.</summary>
[Collection(RealServicesCollection.Name)]
public sealed class RealServicesTests(ITestOutputHelper log) : IAsyncLifetime
{
    readonly RealServices _services = new();
    readonly List<IHost> _hosts = new();
    IHost _client = null!;
    IBlobStore _store = null!;
    readonly string _run = Guid.NewGuid().ToString("N")[..8];
    readonly ConsumeCounter _consumed = new();

    public async Task InitializeAsync()
    {
        for (int i = 0; i < 2; i++) _hosts.Add(_services.Host(consumers: true));
        foreach (var worker in _hosts) worker.Services.GetRequiredService<IBus>().ConnectConsumeObserver(_consumed);
        _client = _services.Host(consumers: false);
        foreach (var host in _hosts.Append(_client)) await host.StartAsync();
        _store = _client.Services.GetRequiredService<IBlobStore>();
        await DemoJob.SeedAsync(_store);
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts.Append(_client))
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    async Task<(JobOutcome Outcome, JobWatcher Watcher)> RunAsync(Guid jobId, AuditJobSpec spec)
    {
        var bus = _client.Services.GetRequiredService<IBus>();
        var watcher = await JobWatcher.StartAsync(bus, jobId, _ => { }, CancellationToken.None);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await bus.Publish(new SubmitAuditJob(jobId, spec));
        var outcome = await watcher.Outcome.WaitAsync(Patience.Job);
        log.WriteLine($"job {spec.Output.Prefix}: {clock.Elapsed.TotalSeconds:F2} s from submit to outcome on RabbitMQ + Azurite, two workers");
        return (outcome, watcher);
    }

    static Dictionary<string, byte[]> Relative(Dictionary<string, byte[]> blobs, string prefix) =>
        blobs.ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    [Fact]
    public async Task A_sharded_job_completes_once_and_a_rerun_stores_identical_bytes()
    {
        var prefixA = $"e2e-{_run}-a";
        var (outcome, watcher) = await RunAsync(Guid.NewGuid(), WorkerTestServices.CheapDemoSpec(prefixA));
        await using (watcher)
        {
            Assert.NotNull(outcome.Completed);
            Assert.Equal(12, outcome.Completed!.Images);
            Assert.True(outcome.Completed.GatesPassed);
            var blobs = await WorkerTestServices.SnapshotAsync(_store, "audits", prefixA + "/");
            Assert.Contains($"{prefixA}/report.json", blobs.Keys);
            Assert.Contains($"{prefixA}/images.csv", blobs.Keys);
            Assert.Equal(3, blobs.Keys.Count(k => k.Contains("/shards/")));
            Assert.Equal(12, blobs.Keys.Count(k => k.EndsWith("/lrp-composite.png") && !k.Contains("/channel-swap/")));
            Assert.Equal(12, blobs.Keys.Count(k => k.EndsWith("/channel-swap/grad-cam.png")));
            Assert.Contains("\"relevance-mass\"", System.Text.Encoding.UTF8.GetString(blobs[$"{prefixA}/report.json"]));

            var prefixB = $"e2e-{_run}-b";
            var (again, watcherB) = await RunAsync(Guid.NewGuid(), WorkerTestServices.CheapDemoSpec(prefixB));
            await using (watcherB)
            {
                Assert.NotNull(again.Completed);
                var a = Relative(blobs, prefixA);
                var b = Relative(await WorkerTestServices.SnapshotAsync(_store, "audits", prefixB + "/"), prefixB);
                a.Remove("/job.json");
                b.Remove("/job.json"); // holds the job id, the one thing that differs
                Assert.Equal(a.Keys.Order(), b.Keys.Order());
                foreach (var (name, bytes) in a) Assert.True(bytes.SequenceEqual(b[name]), $"{name} differs between runs");
                log.WriteLine($"{a.Count} blobs identical across two runs");
            }
            Assert.Equal(1, watcher.Completions); // a second completion of the first job would have come during the whole second run
        }
    }

    [Fact]
    public async Task Duplicate_deliveries_change_nothing()
    {
        var prefix = $"e2e-{_run}-dup";
        var jobId = Guid.NewGuid();
        var spec = WorkerTestServices.CheapDemoSpec(prefix);
        var (outcome, watcher) = await RunAsync(jobId, spec);
        await using (watcher)
        {
            Assert.NotNull(outcome.Completed);
            var before = await WorkerTestServices.SnapshotAsync(_store, "audits", prefix + "/");
            var plan = System.Text.Json.JsonSerializer.Deserialize<JobPlan>(before[$"{prefix}/job.json"], Engine.Reports.AuditJson.Options)!;
            var shard = await new JobPlanner(_store).ShardsAsync(spec, default).Skip(1).FirstAsync();
            var bus = _client.Services.GetRequiredService<IBus>();
            var (submissions, shards, completions) = (_consumed.Of<SubmitAuditJob>(), _consumed.Of<AuditShard>(), _consumed.Of<ShardCompleted>());
            await bus.Publish(new AuditShard(jobId, 1, plan.ShardCount, spec, shard, plan.Images));
            await bus.Publish(new ShardCompleted(jobId, 1, plan.ShardCount, spec, shard.Count, 0));
            await bus.Publish(new SubmitAuditJob(jobId, spec));
            // Dealt with, not just delivered: the duplicate submission, the duplicate shard, and two completions (the duplicate and the
            // one the duplicate shard announces again).
            await WorkerTestServices.Until(() => _consumed.Of<SubmitAuditJob>() > submissions && _consumed.Of<AuditShard>() > shards
                && _consumed.Of<ShardCompleted>() >= completions + 2, "the workers to consume the duplicates");
            var after = await WorkerTestServices.SnapshotAsync(_store, "audits", prefix + "/");
            Assert.Equal(before.Keys.Order(), after.Keys.Order());
            foreach (var (name, bytes) in before) Assert.True(bytes.SequenceEqual(after[name]), name);
            Assert.Equal(1, watcher.Completions);
        }
    }

    [Fact]
    public async Task A_rejected_spec_lists_every_reason_and_writes_nothing()
    {
        var prefix = $"e2e-{_run}-bad";
        var spec = WorkerTestServices.CheapDemoSpec(prefix) with
        {
            Model = new ModelSource { Architecture = "demo-shapes", Weights = "demo/model/missing.dat" },
            Suite = new SuiteDefinition { Explainers = ["grad-cam"], Metrics = ["deletion(steps=0)"] },
        };
        var (outcome, watcher) = await RunAsync(Guid.NewGuid(), spec);
        await using (watcher)
        {
            Assert.NotNull(outcome.Rejected);
            Assert.Equal(["suite.metrics[0]"], outcome.Rejected!.Problems.Select(p => p.Path)); // the spec check stops before the blob checks
            Assert.Empty(await _store.ListAsync("audits", prefix + "/"));

            var (missing, watcher2) = await RunAsync(Guid.NewGuid(), spec with { Suite = WorkerTestServices.CheapDemoSpec(prefix).Suite });
            await using (watcher2)
            {
                Assert.Equal(["model.weights"], missing.Rejected!.Problems.Select(p => p.Path));
                Assert.Empty(await _store.ListAsync("audits", prefix + "/"));
            }
        }
    }
}
