using System.Diagnostics;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Tests.Consumers;
using XaiVision.Worker.Tests.Deploy;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Containers;

/// <summary>
/// The Helm chart's pods, run (issue 29): Kubernetes cannot run here, but its containers can — the worker Deployment's container
/// and the regression CronJob's, exactly as <c>helm template</c> renders them (<see cref="PodRun"/>), against the compose stack's
/// broker and storage. The worker must pass its probes, take a job and drain on SIGTERM; the CronJob must exit 0 on a passing gate
/// and 3 on a failing one.
/// </summary>
[Trait("Category", "Containers")]
[Collection(ContainerStackCollection.Name)]
public sealed class ChartPodTests(StackFixture stack, ITestOutputHelper log)
{
    /// <summary>Queues of their own, so the compose workers never take the pod's work.</summary>
    const string Prefix = "chartpod";

    /// <summary>
    /// The regression CronJob's spec: the demo, one cheap method, gated on relevance mass (grad-cam's is about 0.7 here). An output
    /// prefix of its own: --dated-output adds the minute, and a second run in the same minute is refused (that prefix holds a job).
    /// </summary>
    static string CronSpec(string gate) => $$"""
        model: { architecture: demo-shapes, weights: demo/model/shapes-vgg.dat, labels: demo/model/classes.txt }
        images: { container: demo, prefix: images/, manifest: manifest.csv }
        suite: { explainers: [grad-cam], metrics: [localisation], seed: 1 }
        output: { container: audits, prefix: chartpod-cron-{{Guid.NewGuid():N}} }
        gates: [ { metric: relevance-mass, method: grad-cam, {{gate}} } ]
        """;

    static List<JsonObject> Render(string image, string cronGate, bool gpu = false, string device = "cpu")
    {
        var (repository, tag) = (image[..image.LastIndexOf(':')], image[(image.LastIndexOf(':') + 1)..]);
        var values = $$"""
            image: { repository: "{{repository}}", tag: "{{tag}}" }
            worker: { endpointPrefix: {{Prefix}}, shutdownGraceSeconds: 20, device: {{device}} }
            gpu: { enabled: {{(gpu ? "true" : "false")}} }
            regressionAudit:
              enabled: true
              jobSpec: |
            {{string.Join('\n', CronSpec(cronGate).Split('\n').Select(l => "    " + l))}}
            """;
        var rendered = ChartTools.Template(ChartTools.ValuesFile(values));
        Assert.True(rendered.ExitCode == 0, rendered.Error);
        return ChartTools.Objects(rendered.Output);
    }

    /// <summary>The chart's Secret, as an operator would fill it: the stack's services by their names on its network.</summary>
    static readonly Dictionary<string, string> Secrets = new()
    {
        ["rabbitmq-uri"] = "amqp://guest:guest@rabbitmq:5672/",
        ["storage-connection-string"] = ComposeStack.AzuriteConnection("azurite", 10000),
    };

    static PodRun Worker(List<JsonObject> objects)
    {
        var pod = objects.Single(o => (string?)o["kind"] == "Deployment")["spec"]!["template"]!["spec"]!.AsObject();
        return new PodRun(pod, pod["containers"]![0]!.AsObject(), objects, Secrets);
    }

    static PodRun CronJob(List<JsonObject> objects)
    {
        var pod = objects.Single(o => (string?)o["kind"] == "CronJob")["spec"]!["jobTemplate"]!["spec"]!["template"]!["spec"]!.AsObject();
        return new PodRun(pod, pod["containers"]![0]!.AsObject(), objects, Secrets);
    }

    static string Files() => Directory.CreateTempSubdirectory("xaivision-pod-").FullName;

    [Fact]
    public async Task The_charts_worker_pod_becomes_ready_runs_a_job_and_drains_and_its_CronJob_exits_with_the_gate()
    {
        var objects = Render(Docker.WorkerImage, "min: 0.3");
        await RunWorkerPodAsync(Worker(objects), async () =>
        {
            var cron = CronJob(objects);
            var passing = Docker.Exec("docker", cron.RunArguments(stack.Stack.Network, Files(), "--rm"), Patience.Job);
            log.WriteLine($"CronJob, passing gate: exit {passing.ExitCode}\n{passing.All}");
            Assert.Equal(0, passing.ExitCode);
            var failing = Docker.Exec("docker", CronJob(Render(Docker.WorkerImage, "max: 0.05")).RunArguments(stack.Stack.Network, Files(), "--rm"), Patience.Job);
            log.WriteLine($"CronJob, failing gate: exit {failing.ExitCode}\n{failing.All}");
            Assert.Equal(3, failing.ExitCode);
            Assert.Contains("relevance-mass", failing.All);
        });
    }

    /// <summary>
    /// The GPU image — every stage of Dockerfile.gpu, its CUDA PyTorch base replaced by a CUDA-less stand-in (build-local.sh) — as
    /// the chart runs it with <c>gpu.enabled</c>: on a node without CUDA, the default device refuses at start with the reason, and
    /// <c>worker.device=auto</c> falls back to the CPU, becomes ready and runs a job (libtorch from the base's torch/lib).
    /// </summary>
    [Fact]
    public async Task The_gpu_image_on_a_cuda_less_stand_in_refuses_cuda_at_start_and_runs_a_job_on_auto()
    {
        var image = Environment.GetEnvironmentVariable("GPU_STANDIN_IMAGE") is { Length: > 0 } set ? set : "xaivision-worker:gpu-standin";
        var cuda = Worker(Render(image, "min: 0.3", gpu: true));
        var refused = Docker.Exec("docker", cuda.RunArguments(stack.Stack.Network, Files(), "--rm"), Patience.Start);
        log.WriteLine($"gpu.enabled, device cuda: exit {refused.ExitCode}: {refused.Error.Trim()}");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Device 'cuda' was asked for but CUDA is not available", refused.Error);
        var auto = Worker(Render(image, "min: 0.3", gpu: true, device: "auto"));
        await RunWorkerPodAsync(auto, () => Task.CompletedTask);
    }

    /// <summary>
    /// Runs the worker pod, waits for its startup, readiness and liveness probes, sends it a job through its own queues (the compose
    /// workers cannot take it), runs <paramref name="meanwhile"/>, and stops it as the kubelet would (SIGTERM, its grace period).
    /// </summary>
    async Task RunWorkerPodAsync(PodRun worker, Func<Task> meanwhile)
    {
        var name = "xv-chartpod-" + Guid.NewGuid().ToString("N")[..8];
        var clock = Stopwatch.StartNew();
        var arguments = worker.RunArguments(stack.Stack.Network, Files(), "-d", "--name", name);
        Docker.Must(arguments.ToArray());
        try
        {
            foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
            {
                var (path, port) = worker.Probe(probe);
                await Docker.WaitReadyAsync(name, port, path, Patience.Start);
            }
            log.WriteLine($"pod of {worker.Image} ready in {clock.Elapsed.TotalSeconds:F1} s: docker {string.Join(' ', arguments)}");

            using var client = Hosting.WorkerHost.Build(stack.Stack.ClientSettings(Prefix), consumers: false, Microsoft.Extensions.Logging.LogLevel.Warning);
            await client.StartAsync();
            var bus = client.Services.GetRequiredService<IBus>();
            var jobId = Guid.NewGuid();
            await using (var watcher = await JobWatcher.StartAsync(bus, jobId, _ => { }, CancellationToken.None))
            {
                await bus.Publish(new SubmitAuditJob(jobId, WorkerTestServices.CheapDemoSpec($"chartpod-{jobId:N}")));
                var outcome = await watcher.Outcome.WaitAsync(Patience.Job);
                Assert.Equal(12, outcome.Completed?.Images);
            }
            Assert.Contains($"of job {jobId} started", Docker.Logs(name, 2000)); // the pod took it, not a compose worker
            await client.StopAsync();
            await meanwhile();

            clock.Restart();
            Docker.Must("stop", "-t", worker.TerminationGraceSeconds!.Value.ToString(), name);
            log.WriteLine($"SIGTERM → exit {Docker.ExitCode(name)} in {clock.Elapsed.TotalSeconds:F1} s (grace {worker.TerminationGraceSeconds} s)");
            Assert.Equal(0, Docker.ExitCode(name));
        }
        finally
        {
            log.WriteLine(Docker.Logs(name, 30));
            Docker.Run("rm", "-f", name);
        }
    }
}
