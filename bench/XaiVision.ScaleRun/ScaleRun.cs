using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using XaiVision.Contracts;
using XaiVision.Engine.Reports;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Hosting;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;

namespace XaiVision.ScaleRun;

/// <summary>
/// Dataset-scale planning and aggregation (issue 19) with the real consumers over synthetic shard results: for each size, a parent
/// process writes the shard results and a manifest, then a fresh child process (so its peak RSS is its own) plans the job from the
/// manifest and sends every <see cref="ShardCompleted"/> through the in-memory bus to the real aggregator, and prints a JSON line.
/// Usage: ScaleRun --sizes 10000,100000 [--store file|azure] [--root DIR] [--errors 0.1]. Azure reads XAIVISION_TEST_AZURITE.
/// </summary>
public static class ScaleRun
{
    public static async Task<int> MainAsync(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var kind = Arg("--store", "file");
        var root = Arg("--root", Path.Combine(Path.GetTempPath(), "xaivision-scale"));
        var settings = Settings(kind, root);
        if (args.FirstOrDefault() == "plan") return await PlanAsync(settings, Arg("--container", ""), long.Parse(Arg("--images", "0")));
        if (args.FirstOrDefault() == "aggregate") return await AggregateAsync(settings, Arg("--container", ""), long.Parse(Arg("--images", "0")));
        if (args.FirstOrDefault() == "strategies") return StrategyBench.Run(Arg("--sizes", "1000,10000"), Arg("--classes", "10,1"));
        if (args.FirstOrDefault() == "concepts") return ConceptBench.Run(Arg("--sizes", "10000,100000"), int.Parse(Arg("--classes", "1000")));
        if (args.FirstOrDefault() == "concepts-one")
            return ConceptBench.RunOne(int.Parse(Arg("--images", "0")), int.Parse(Arg("--classes", "1000")), Arg("--concepts", "0") == "1");
        if (args.FirstOrDefault() == "strategies-one") return StrategyBench.RunOne(int.Parse(Arg("--images", "0")), int.Parse(Arg("--classes", "1")));

        var sizes = Arg("--sizes", "10000,100000").Split(',').Select(long.Parse).ToList();
        double errors = double.Parse(Arg("--errors", "0.1"), System.Globalization.CultureInfo.InvariantCulture);
        Console.WriteLine("| store | images | shards | write shards (s) | plan (s) | plan peak RSS (MiB) | job.json (MB) | per event (ms) | events peak RSS (MiB) "
            + "| aggregate (s) | aggregate peak RSS (MiB) | managed heap after (MiB) "
            + "| report.json (kB) | report.html (kB) | images.csv (MB) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var images in sizes)
        {
            var container = $"scale-{images}-{Guid.NewGuid():N}"[..24].TrimEnd('-');
            var written = await PrepareAsync(settings, container, images, errors);
            var r = new Dictionary<string, double>();
            foreach (var phase in new[] { "plan", "aggregate" }) // each in a fresh process, so each peak RSS is its own
            {
                var child = Process.Start(new ProcessStartInfo("dotnet", [typeof(ScaleRun).Assembly.Location, phase, "--store", kind, "--root", root,
                    "--container", container, "--images", images.ToString()]) { RedirectStandardOutput = true })!;
                var output = await child.StandardOutput.ReadToEndAsync();
                await child.WaitForExitAsync();
                var line = output.Split('\n').LastOrDefault(l => l.StartsWith('{')) ?? throw new InvalidOperationException($"the {phase} run printed no result:\n{output}");
                foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, double>>(line)!) r[key] = value;
            }
            Console.WriteLine($"| {kind} | {images:N0} | {SyntheticShards.Shards(images, 32):N0} | {written:F1} | {r["plan_s"]:F1} | {r["plan_peak_mib"]:F0} | {r["job_json_mb"]:F1} "
                + $"| {r["event_ms"]:F2} | {r["events_peak_mib"]:F0} "
                + $"| {r["aggregate_s"]:F1} | {r["aggregate_peak_mib"]:F0} | {r["retained_mib"]:F0} | {r["report_json_kb"]:F1} | {r["report_html_kb"]:F0} | {r["csv_mb"]:F1} |");
        }
        return 0;
    }

    static Dictionary<string, string?> Settings(string kind, string root) => kind == "azure"
        ? new() { ["Storage:Kind"] = "Azure", ["Storage:ConnectionString"] = Environment.GetEnvironmentVariable("XAIVISION_TEST_AZURITE")
            ?? throw new InvalidOperationException("XAIVISION_TEST_AZURITE is not set: eval \"$(scripts/services.sh start)\""), ["Transport:Kind"] = "InMemory" }
        : new() { ["Storage:Kind"] = "FileSystem", ["Storage:Root"] = root, ["Transport:Kind"] = "InMemory" };

    /// <summary>Writes the manifest, the empty completion tally and every shard result (32 writes in flight); returns the seconds it took.</summary>
    static async Task<double> PrepareAsync(Dictionary<string, string?> settings, string container, long images, double errors)
    {
        using var host = WorkerHost.Build(settings, consumers: false, Microsoft.Extensions.Logging.LogLevel.Warning);
        var store = host.Services.GetRequiredService<IBlobStore>();
        var spec = SyntheticShards.Spec(container, images);
        var clock = Stopwatch.StartNew();
        await store.WriteAsync(container, "manifest.csv", Encoding.UTF8.GetBytes(SyntheticShards.Manifest(images)), "text/csv");
        int shards = SyntheticShards.Shards(images, spec.ShardSize);
        await host.Services.GetRequiredService<JobCompletion>().StartAsync(spec.Location(), shards, default);
        await Parallel.ForEachAsync(Enumerable.Range(0, shards), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (s, ct) =>
            await store.WriteAsync(container, SyntheticShards.ShardName(spec, s),
                JsonSerializer.SerializeToUtf8Bytes(SyntheticShards.Shard(s, spec.ShardSize, images, errors), AuditJson.Options), "application/json", ct));
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>A child: the real planner over the manifest (listing and cutting shards as a submission does).</summary>
    static async Task<int> PlanAsync(Dictionary<string, string?> settings, string container, long images)
    {
        using var host = WorkerHost.Build(settings, consumers: false, Microsoft.Extensions.Logging.LogLevel.Warning);
        var store = host.Services.GetRequiredService<IBlobStore>();
        var spec = SyntheticShards.Spec(container, images);
        var limits = JobLimits.From(host.Services.GetRequiredService<IOptions<WorkerOptions>>().Value, host.Services.GetRequiredService<IOptions<StorageOptions>>().Value);
        ResetPeak();
        var clock = Stopwatch.StartNew();
        var (plan, problems) = await new JobPlanner(store).PlanAsync(Guid.NewGuid(), spec, limits, default);
        if (plan is null) throw new InvalidOperationException(string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}")));
        var bytes = JsonSerializer.SerializeToUtf8Bytes(plan, AuditJson.Options); // job.json as the planner writes it
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double>
        {
            ["plan_s"] = clock.Elapsed.TotalSeconds, ["plan_peak_mib"] = PeakMiB(), ["job_json_mb"] = bytes.Length / 1e6,
        }));
        return 0;
    }

    /// <summary>A child: every completion event through the bus to the real aggregator.</summary>
    static async Task<int> AggregateAsync(Dictionary<string, string?> settings, string container, long images)
    {
        using var host = WorkerHost.Build(settings, consumers: true, Microsoft.Extensions.Logging.LogLevel.Warning);
        await host.StartAsync();
        var store = host.Services.GetRequiredService<IBlobStore>();
        var spec = SyntheticShards.Spec(container, images);
        int shards = SyntheticShards.Shards(images, spec.ShardSize);
        ResetPeak();
        var clock = Stopwatch.StartNew();
        var bus = host.Services.GetRequiredService<IBus>();
        var completion = host.Services.GetRequiredService<JobCompletion>();
        var jobId = Guid.NewGuid();
        for (int s = 0; s < shards - 1; s++)
        {
            await bus.Publish(new ShardCompleted(jobId, s, shards, spec, 32, 0));
            // Keep the in-memory bus's backlog small, as a broker would hold it: shards finish over time, not all at once.
            if (s % 256 == 255)
                while (await completion.DoneAsync(spec.Location(), default) < s - 256) await Task.Delay(5);
        }
        while (await completion.DoneAsync(spec.Location(), default) < shards - 1) await Task.Delay(20);
        double eventMs = clock.Elapsed.TotalMilliseconds / Math.Max(1, shards - 1), eventsPeak = PeakMiB();
        GC.Collect(); // the in-memory bus's backlog of events is the test stand-in's (RabbitMQ holds it in production), not the aggregator's
        ResetPeak();
        clock.Restart();
        await bus.Publish(new ShardCompleted(jobId, shards - 1, shards, spec, 32, 0));
        await bus.Publish(new ShardCompleted(jobId, shards - 1, shards, spec, 32, 0)); // a duplicate of the last: still one aggregation
        while (!await store.ExistsAsync(container, JobLayout.Announced(spec.Location()))) await Task.Delay(20);
        double aggregateSeconds = clock.Elapsed.TotalSeconds, aggregatePeak = PeakMiB();
        double retainedMiB = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        double Size(string name) => store.ReadAsync(container, name).GetAwaiter().GetResult()?.Length ?? 0;
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double>
        {
            ["event_ms"] = eventMs, ["events_peak_mib"] = eventsPeak,
            ["aggregate_s"] = aggregateSeconds, ["aggregate_peak_mib"] = aggregatePeak, ["retained_mib"] = retainedMiB,
            ["report_json_kb"] = Size(JobLayout.Report(spec.Location())) / 1024, ["report_html_kb"] = Size(JobLayout.Html(spec.Location())) / 1024,
            ["csv_mb"] = Size(JobLayout.Csv(spec.Location())) / 1e6,
        }));
        await host.StopAsync();
        return 0;
    }

    /// <summary>Linux: writing 5 to clear_refs resets the peak resident set (VmHWM) to the current one.</summary>
    internal static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    internal static double PeakMiB() => long.Parse(File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ',
        StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
}
