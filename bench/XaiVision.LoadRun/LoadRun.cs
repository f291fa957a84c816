using System.Diagnostics;
using System.Text;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using XaiVision.Contracts;
using XaiVision.Engine.Demo;
using XaiVision.Engine.Imaging;
using XaiVision.Worker.Hosting;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;

namespace XaiVision.LoadRun;

public static class LoadRun
{
    public static async Task<int> RunAsync(LoadRunOptions o)
    {
        string rabbit = Environment.GetEnvironmentVariable("XAIVISION_TEST_RABBITMQ") ?? throw new InvalidOperationException("start the services first: eval \"$(scripts/services.sh start)\"");
        string azurite = Environment.GetEnvironmentVariable("XAIVISION_TEST_AZURITE") ?? throw new InvalidOperationException("XAIVISION_TEST_AZURITE is not set");
        var run = Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string?>
        {
            ["Transport:Kind"] = "RabbitMq",
            ["Transport:RabbitMqUri"] = rabbit,
            ["Transport:EndpointPrefix"] = "load" + run,
            ["Storage:Kind"] = "Azure",
            ["Storage:ConnectionString"] = azurite,
        };
        using var client = WorkerHost.Build(settings, consumers: false, Microsoft.Extensions.Logging.LogLevel.Warning);
        await client.StartAsync();
        var store = client.Services.GetRequiredService<IBlobStore>();
        await DemoJob.SeedAsync(store);

        var container = "load-" + run;
        var clock = Stopwatch.StartNew();
        await UploadImagesAsync(store, container, o.Images);
        Console.WriteLine($"generated and uploaded {o.Images} images in {clock.Elapsed.TotalSeconds:F1} s");

        var workers = new List<(Process Process, int MetricsPort)>();
        for (int i = 0; i < o.Workers; i++) workers.Add(StartWorker(settings, o.BatchSize, o.Prefetch, 19400 + i + Random.Shared.Next(0, 500) * 4));
        await Task.Delay(TimeSpan.FromSeconds(8)); // the workers connect and declare their queues

        var spec = DemoJob.Spec("report") with
        {
            Images = new ImageSource { Container = container, Manifest = "manifest.csv" },
            Suite = new SuiteDefinition { Explainers = o.Explainers.ToList(), Metrics = o.Metrics.ToList(), Seed = 1 },
            Output = new OutputTarget { Container = container, Prefix = "report", Overlays = true, Layout = o.Layout },
            Gates = [],
            ShardSize = o.ShardSize,
        };
        var bus = client.Services.GetRequiredService<IBus>();
        var jobId = Guid.NewGuid();
        long done = 0;
        await using var watcher = await JobWatcher.StartAsync(bus, jobId, p => Interlocked.Add(ref done, p.ImagesInShard), CancellationToken.None);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        clock.Restart();
        await bus.Publish(new SubmitAuditJob(jobId, spec));

        Console.WriteLine($"| t (s) | images done | images/s (window) | {string.Join(" | ", workers.Select((_, i) => $"RSS w{i + 1} (MiB) | tensors w{i + 1}"))} |");
        Console.WriteLine($"|---|---|---|{string.Join("|", workers.Select(_ => "---|---"))}|");
        long lastDone = 0;
        double lastT = 0;
        while (!watcher.Outcome.IsCompleted)
        {
            await Task.WhenAny(watcher.Outcome, Task.Delay(TimeSpan.FromSeconds(o.SampleSeconds)));
            double t = clock.Elapsed.TotalSeconds;
            long now = Interlocked.Read(ref done);
            var cells = new List<string>();
            foreach (var (process, port) in workers)
            {
                cells.Add($"{WorkerSample.RssBytes(process.Id) / 1048576.0:F0}");
                cells.Add((await WorkerSample.LiveTensorsAsync(http, port))?.ToString() ?? "–");
            }
            Console.WriteLine($"| {t:F0} | {now} | {(now - lastDone) / Math.Max(0.001, t - lastT):F1} | {string.Join(" | ", cells)} |");
            (lastDone, lastT) = (now, t);
        }
        var outcome = await watcher.Outcome;
        foreach (var (process, _) in workers)
        {
            process.Kill();
            process.WaitForExit();
        }
        if (outcome.Completed is not { } completed)
        {
            Console.WriteLine($"job did not complete: {outcome.Rejected?.Problems.FirstOrDefault()?.Message ?? outcome.Failed?.Reason}");
            return 1;
        }
        var csv = Encoding.UTF8.GetString((await store.ReadAsync(container, "report/images.csv"))!);
        var imagesInCsv = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]).Distinct().Count();
        Console.WriteLine();
        Console.WriteLine($"{completed.Images} images in the report ({completed.FailedImages} failed), {imagesInCsv} distinct in images.csv, " +
            $"{clock.Elapsed.TotalSeconds:F1} s submit → report = {completed.Images / clock.Elapsed.TotalSeconds:F2} images/s with {o.Workers} workers");
        bool accounted = completed.Images == o.Images && completed.FailedImages == 0 && imagesInCsv == o.Images;
        Console.WriteLine(accounted ? "every image accounted for" : "IMAGES MISSING OR FAILED");
        return accounted ? 0 : 1;
    }

    /// <summary>The images <see cref="UploadImagesAsync"/> sends, written as files.</summary>
    public static int WriteImages(string directory, int count)
    {
        Directory.CreateDirectory(directory);
        var generator = new ShapesGenerator();
        var kinds = Enum.GetValues<ShapeKind>();
        Parallel.For(0, count, i => File.WriteAllBytes(Path.Combine(directory, $"{i:D6}.png"), ImageEncoding.Png(generator.Generate(new Random(i), kinds[i % kinds.Length]).Image)));
        Console.WriteLine($"{count} images in {directory}");
        return 0;
    }

    static async Task UploadImagesAsync(IBlobStore store, string container, int count)
    {
        var generator = new ShapesGenerator();
        var manifest = new StringBuilder("path,label\n");
        var kinds = Enum.GetValues<ShapeKind>();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            ShapeSample sample;
            sample = generator.Generate(new Random(i), kinds[i % kinds.Length]);
            await store.WriteAsync(container, $"images/{i:D6}.png", ImageEncoding.Png(sample.Image), "image/png", ct);
        });
        for (int i = 0; i < count; i++) manifest.Append($"images/{i:D6}.png,{(int)kinds[i % kinds.Length]}\n");
        await store.WriteAsync(container, "manifest.csv", Encoding.UTF8.GetBytes(manifest.ToString()), "text/csv");
    }

    static (Process, int) StartWorker(Dictionary<string, string?> settings, int batchSize, bool prefetch, int metricsPort)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "xaivision.dll"));
        start.ArgumentList.Add("run");
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;
        start.Environment["Worker__BatchSize"] = batchSize.ToString();
        start.Environment["Worker__PrefetchNextBatch"] = prefetch.ToString();
        start.Environment["Worker__ModelCacheDirectory"] = Directory.CreateTempSubdirectory("xaivision-load-models-").FullName;
        start.Environment["Telemetry__PrometheusPort"] = metricsPort.ToString();
        start.Environment["Logging__Format"] = "json";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { }; // drained, not shown
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, metricsPort);
    }
}
