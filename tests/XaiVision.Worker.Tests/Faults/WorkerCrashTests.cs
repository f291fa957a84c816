using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;
using XaiVision.Worker.Tests.Consumers;
using XaiVision.Worker.Tests.EndToEnd;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Faults;

/// <summary>
/// Worker processes on the real RabbitMQ and Azurite, killed (SIGKILL) or stopped (SIGTERM) in the middle of a shard:
/// the shard goes to another worker and the job's outputs equal a clean run's, blob for blob.
/// </summary>
[Collection(RealServicesCollection.Name)]
public sealed class WorkerCrashTests(ITestOutputHelper log) : IAsyncLifetime
{
    readonly RealServices _services = new();
    readonly List<WorkerProcess> _workers = new();
    IHost _client = null!;
    IBlobStore _store = null!;
    readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        _client = _services.Host(consumers: false);
        await _client.StartAsync();
        _store = _client.Services.GetRequiredService<IBlobStore>();
        await DemoJob.SeedAsync(_store);
    }

    public async Task DisposeAsync()
    {
        foreach (var w in _workers)
        {
            log.WriteLine($"worker {w.Id} (exited: {w.HasExited}) output:\n{string.Join('\n', w.Lines.TakeLast(30))}");
            w.Dispose();
        }
        await _client.StopAsync();
        _client.Dispose();
    }

    WorkerProcess StartWorker(int graceSeconds = 60, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = _services.Settings();
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
        settings["Worker:BatchSize"] = "1"; // the shutdown token is checked between batches
        settings["Worker:ShutdownGraceSeconds"] = graceSeconds.ToString();
        var worker = new WorkerProcess(settings);
        _workers.Add(worker);
        return worker;
    }

    async Task<WorkerProcess> StartedWorkerAsync(int graceSeconds = 60)
    {
        var worker = StartWorker(graceSeconds);
        await worker.WaitForLineAsync(l => l.Contains("Application started"), Patience.Start); // the bus is consuming
        return worker;
    }

    /// <summary>The full default demo suite: a 4-image shard takes seconds, long enough to be interrupted.</summary>
    AuditJobSpec Spec(string name) => DemoJob.Spec($"crash-{_run}-{name}");

    async Task<JobOutcome> RunAsync(AuditJobSpec spec, Func<Task>? whileRunning = null)
    {
        var bus = _client.Services.GetRequiredService<IBus>();
        var jobId = Guid.NewGuid();
        await using var watcher = await JobWatcher.StartAsync(bus, jobId, _ => { }, CancellationToken.None);
        await bus.Publish(new SubmitAuditJob(jobId, spec));
        if (whileRunning is not null) await whileRunning();
        var outcome = await watcher.Outcome.WaitAsync(Patience.Job);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(1, watcher.Completions);
        return outcome;
    }

    static bool StartedShard(string line) => line.Contains(" started (");

    async Task AssertSameAsCleanRunAsync(string faultedName, JobOutcome faulted)
    {
        Assert.NotNull(faulted.Completed);
        Assert.Equal(12, faulted.Completed!.Images);
        var clean = await RunAsync(Spec("clean-" + faultedName));
        Assert.NotNull(clean.Completed);
        var prefix = (string name) => $"crash-{_run}-{name}/";
        Outputs.AssertSame(await WorkerTestServices.SnapshotAsync(_store, "audits", prefix("clean-" + faultedName)), prefix("clean-" + faultedName),
            await WorkerTestServices.SnapshotAsync(_store, "audits", prefix(faultedName)), prefix(faultedName));
        var csv = System.Text.Encoding.UTF8.GetString((await _store.ReadAsync("audits", prefix(faultedName) + "images.csv"))!);
        Assert.Equal(1 + 12 * Spec("x").Suite.Explainers.Count, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // header + each (image, method) once
        Assert.Equal(0u, await Broker.ErrorMessagesAsync(_services));
    }

    [Fact]
    public async Task A_worker_killed_mid_shard_loses_nothing_and_duplicates_nothing()
    {
        var first = await StartedWorkerAsync();
        var outcome = await RunAsync(Spec("kill"), async () =>
        {
            await first.WaitForLineAsync(StartedShard, Patience.Job);
            first.Kill(); // at once: a shard takes seconds, so it is still running whatever the machine's load
            Assert.True(await first.WaitForExitAsync(TimeSpan.FromSeconds(10)));
            StartWorker();
        });
        Assert.DoesNotContain(first.Lines, l => l.Contains(" images (")); // it never finished a shard: the kill was mid-shard
        log.WriteLine($"killed worker's last lines:\n{string.Join('\n', first.Lines.TakeLast(5))}");
        await AssertSameAsCleanRunAsync("kill", outcome);
    }

    [Fact]
    public async Task A_worker_stopped_by_SIGTERM_leaves_within_its_grace_and_the_shard_completes_elsewhere()
    {
        const int grace = 2;
        var first = await StartedWorkerAsync(grace);
        TimeSpan stopped = default;
        var outcome = await RunAsync(Spec("term"), async () =>
        {
            await first.WaitForLineAsync(StartedShard, Patience.Job); // at once: mid-shard whatever the machine's load
            var clock = Stopwatch.StartNew();
            first.Terminate();
            Assert.True(await first.WaitForExitAsync(TimeSpan.FromSeconds(grace + 20)), "the worker did not stop");
            stopped = clock.Elapsed;
            StartWorker();
        });
        log.WriteLine($"SIGTERM → exit in {stopped.TotalSeconds:F1} s (grace {grace} s), exit code {first.ExitCode}");
        Assert.True(stopped < TimeSpan.FromSeconds(grace + 12), $"took {stopped.TotalSeconds:F1} s");
        Assert.Equal(0, first.ExitCode);
        await AssertSameAsCleanRunAsync("term", outcome);
    }

    /// <summary>
    /// A shard that kills every worker process taking it (SIGKILL at its start, as a native crash would), with workers restarted as
    /// Kubernetes restarts them: after Jobs:ShardCrashLimit deaths the shard is failed with the reason, the job's other shards and
    /// another job complete, and nothing is lost or duplicated.
    /// </summary>
    [Fact]
    public async Task A_shard_that_kills_its_worker_every_time_is_failed_after_the_limit_and_the_jobs_end()
    {
        var crashing = new Dictionary<string, string?> { [ShardCrashGuard.TestCrashVariable] = "1", ["Jobs:ShardCrashLimit"] = "2" };
        using var stop = new CancellationTokenSource();
        int deaths = 0;
        var first = StartWorker(extra: crashing);
        await first.WaitForLineAsync(l => l.Contains("Application started"), Patience.Start); // its queues exist: nothing published is dropped
        var restarts = Task.Run(async () =>
        {
            var worker = first;
            while (!stop.IsCancellationRequested)
            {
                if (worker.HasExited)
                {
                    Interlocked.Increment(ref deaths);
                    worker = StartWorker(extra: crashing);
                }
                await Task.Delay(100);
            }
        });
        var clock = Stopwatch.StartNew();
        var bus = _client.Services.GetRequiredService<IBus>();
        var (poisoned, other) = (Guid.NewGuid(), Guid.NewGuid());
        await using var poisonedWatch = await JobWatcher.StartAsync(bus, poisoned, _ => { }, CancellationToken.None);
        await using var otherWatch = await JobWatcher.StartAsync(bus, other, _ => { }, CancellationToken.None);
        var otherSpec = WorkerTestServices.CheapDemoSpec($"crash-{_run}-other") with { ShardSize = 12 }; // one shard: index 0, never the crashing one
        await bus.Publish(new SubmitAuditJob(poisoned, Spec("loop")));
        await bus.Publish(new SubmitAuditJob(other, otherSpec));
        var outcomes = await Task.WhenAll(poisonedWatch.Outcome.WaitAsync(Patience.Job), otherWatch.Outcome.WaitAsync(Patience.Job));
        stop.Cancel();
        await restarts;
        log.WriteLine($"both jobs ended in {clock.Elapsed.TotalSeconds:F0} s; worker processes died {deaths} times");

        var completed = outcomes[0].Completed;
        Assert.NotNull(completed);
        Assert.Equal(12, completed!.Images);
        Assert.Equal(4, completed.FailedImages); // shard 1's four images, listed as failed
        Assert.Equal(2, deaths);
        var failure = System.Text.Encoding.UTF8.GetString((await _store.ReadAsync("audits", $"crash-{_run}-loop/shard-failures/00001.json"))!);
        Assert.Contains("The worker process died 2 times while running this shard", failure);
        Assert.Equal(12, outcomes[1].Completed?.Images);
        Assert.Equal(0, outcomes[1].Completed!.FailedImages);
        Assert.Equal(0u, await Broker.ErrorMessagesAsync(_services));
    }
}
