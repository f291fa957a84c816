using System.Diagnostics;
using System.Text.Json.Nodes;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Tests.Consumers;
using XaiVision.Worker.Tests.Deploy;
using XaiVision.Worker.Tests.Faults;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Containers;

/// <summary>
/// The compose stack made of the product's own images (issue 29): the workers run as the chart expects them to, and a job
/// survives a worker killed mid-shard, another stopped mid-shard and the broker container restarted mid-job — every image
/// explained exactly once, the outputs equal to an undisturbed run's, blob for blob.
/// </summary>
[Trait("Category", "Containers")]
[Collection(ContainerStackCollection.Name)]
public sealed class ContainerStackTests(StackFixture stack, ITestOutputHelper log)
{
    /// <summary>The chart's worker container: its probes and pod security settings, as helm renders them with default values.</summary>
    static JsonObject ChartWorker(out JsonObject pod)
    {
        var rendered = ChartTools.Template(ChartTools.ValuesFile("{}"));
        Assert.True(rendered.ExitCode == 0, rendered.Error);
        pod = ChartTools.Objects(rendered.Output).Single(o => (string?)o["kind"] == "Deployment")["spec"]!["template"]!["spec"]!.AsObject();
        return pod["containers"]![0]!.AsObject();
    }

    [Fact]
    public async Task Workers_run_as_the_charts_user_on_a_read_only_root_and_answer_the_charts_probes()
    {
        var container = ChartWorker(out var pod);
        var port = (int)container["ports"]!.AsArray().Single(p => (string?)p!["name"] == "health")!["containerPort"]!;
        var probes = new[] { "livenessProbe", "readinessProbe", "startupProbe" }.Select(p => (string)container[p]!["httpGet"]!["path"]!).Distinct().ToList();
        var uid = (int)pod["securityContext"]!["runAsUser"]!;
        Assert.Equal(StackFixture.Workers, stack.Stack.Workers().Count);
        foreach (var worker in stack.Stack.Workers())
        {
            Assert.Equal(uid.ToString(), Docker.Must("exec", worker, "id", "-u"));
            Assert.Equal("true", Docker.Must("inspect", "-f", "{{.HostConfig.ReadonlyRootfs}}", worker));
            var write = Docker.Run("exec", worker, "sh", "-c", "echo x > /app/written");
            Assert.NotEqual(0, write.ExitCode);
            Assert.Contains("Read-only file system", write.Error);
            foreach (var path in probes)
                Assert.Equal(200, await Docker.ProbeAsync(worker, port, path));
            log.WriteLine($"worker {worker[..12]}: uid {uid}, read-only root, {string.Join(" and ", probes)} answer 200 on :{port}");
        }
    }

    [Fact]
    public async Task A_killed_worker_a_stopped_worker_and_a_restarted_broker_lose_nothing_and_duplicate_nothing()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var spec = (string name) => DemoJob.Spec($"stack-{run}-{name}", shardSize: 2); // six shards over three workers: a minute or more here
        var clean = await stack.RunAsync(Guid.NewGuid(), spec("clean"));
        log.WriteLine($"undisturbed: {clean.Outcome.Describe()} in {clean.Took.TotalSeconds:F0} s");
        if (clean.Outcome.Completed is null) foreach (var worker in stack.Stack.Workers()) log.WriteLine($"{worker[..12]}:\n{Docker.Logs(worker, 40)}");
        Assert.True(clean.Outcome.Completed is not null, clean.Outcome.Describe());

        var jobId = Guid.NewGuid();
        var since = DateTime.UtcNow.AddSeconds(-1).ToString("o");
        var events = new List<string>();
        var restarted = new List<string>();
        var attacked = await stack.RunAsync(jobId, spec("attacked"), async () =>
        {
            var killed = await BusyWorkerAsync(jobId, since, exclude: []);
            Docker.Must("kill", killed);
            events.Add($"killed {killed[..12]} mid-shard");
            restarted.Add(killed);

            var stopped = await BusyWorkerAsync(jobId, since, exclude: [killed]);
            var clock = Stopwatch.StartNew();
            Docker.Must("stop", stopped); // SIGTERM; compose's stop_grace_period (90 s) before SIGKILL
            events.Add($"stopped {stopped[..12]} mid-shard: exited {Docker.ExitCode(stopped)} after {clock.Elapsed.TotalSeconds:F1} s");
            Assert.Equal(0, Docker.ExitCode(stopped));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"docker stop took {clock.Elapsed.TotalSeconds:F0} s, past the grace period");
            restarted.Add(stopped);

            var stillRunning = JobUnfinished(jobId, since);
            clock.Restart();
            Docker.Must("restart", stack.Stack.Service("rabbitmq"));
            events.Add($"restarted the broker container in {clock.Elapsed.TotalSeconds:F1} s ({(stillRunning ? "mid-job" : "after the last shard")})");
            Assert.True(stillRunning, "the job ended before the broker restart: make the attacked job longer");
            foreach (var worker in restarted) Docker.Must("start", worker); // as Kubernetes restarts a pod
        });
        foreach (var e in events) log.WriteLine(e);
        log.WriteLine($"attacked: {attacked.Outcome.Completed?.Images} images in {attacked.Took.TotalSeconds:F0} s; completions published: {attacked.Completions}");

        Assert.NotNull(attacked.Outcome.Completed);
        Assert.Equal(12, attacked.Outcome.Completed!.Images);
        Assert.Equal(0, attacked.Outcome.Completed.FailedImages);
        Assert.Equal(1, attacked.Completions);
        var prefix = (string name) => $"stack-{run}-{name}/";
        var csv = System.Text.Encoding.UTF8.GetString((await stack.Store.ReadAsync("audits", prefix("attacked") + "images.csv"))!);
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.Equal(12 * spec("x").Suite.Explainers.Count, rows.Count); // each (image, method) once
        Assert.Equal(rows.Count, rows.Select(r => string.Join(',', r.Split(',').Take(2))).Distinct().Count());
        Outputs.AssertSame(await WorkerTestServices.SnapshotAsync(stack.Store, "audits", prefix("clean")), prefix("clean"),
            await WorkerTestServices.SnapshotAsync(stack.Store, "audits", prefix("attacked")), prefix("attacked"));
        Assert.Equal(0u, await EndToEnd.Broker.ErrorMessagesAsync(stack.Stack.ClientSettings()["Transport:RabbitMqUri"]!, ""));
        foreach (var worker in stack.Stack.Workers()) await Docker.WaitReadyAsync(worker, ComposeStack.HealthPort, ComposeStack.ReadyPath, Patience.Start);
    }

    /// <summary>Lines of the job's shard log in a worker since <paramref name="since"/>: (started, finished).</summary>
    static (int Started, int Finished) ShardLines(string worker, Guid jobId, string since)
    {
        var lines = Docker.Run("logs", "--since", since, worker).All.Split('\n');
        return (lines.Count(l => l.Contains($"of job {jobId} started")), lines.Count(l => l.Contains($"of job {jobId}: ")));
    }

    bool JobUnfinished(Guid jobId, string since) =>
        stack.Stack.Workers().Select(w => ShardLines(w, jobId, since)).Sum(s => s.Finished) < 6;

    /// <summary>A running worker in the middle of one of the job's shards (started one it has not finished).</summary>
    async Task<string> BusyWorkerAsync(Guid jobId, string since, IReadOnlyCollection<string> exclude)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Patience.Job)
        {
            foreach (var worker in stack.Stack.Workers().Where(w => !exclude.Contains(w) && Docker.State(w) == "running"))
            {
                var (started, finished) = ShardLines(worker, jobId, since);
                if (started > finished) return worker;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"no worker started a shard of job {jobId}");
    }
}
