using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using XaiVision.Worker.Hosting;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Cli;

/// <summary>
/// <c>demo</c>: the embedded default — the same planner, shard and aggregator consumers on MassTransit's
/// in-memory transport with the file-system store — auditing the bundled images with the bundled model.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder for the file-system store (inputs and results).", DefaultValueFactory = _ => "xaivision-demo" };
        var regression = new Option<bool>("--regression")
        {
            Description = "Instead: the regression audit of the shortcut model against the clean one on 200 tagged and clean pictures, with its strategies (its gates fail: exit 3).",
        };
        var strategies = new Option<bool>("--strategies")
        {
            Description = "Instead: strategy analysis (SpRAy) of the shortcut and the clean model on 200 tagged and clean pictures; prints the ARI per class.",
        };
        var meta = new Option<bool>("--meta-evaluation")
        {
            Description = "Also: which of the suite's metrics to trust on this model (MetaQuantus's meta-evaluation on the 12 images, one draw per test; adds about 4½ minutes on 2 cores).",
        };
        var command = new Command("demo", "Audit the bundled demo images with the bundled model, no services needed.") { output, regression, strategies, meta };
        command.SetAction(async (parse, ct) => await CliErrors.GuardAsync(async () =>
        {
            var watch = Stopwatch.StartNew();
            var root = Path.GetFullPath(parse.GetValue(output)!);
            var overrides = new Dictionary<string, string?>
            {
                ["Transport:Kind"] = "InMemory",
                ["Storage:Kind"] = "FileSystem",
                ["Storage:Root"] = root,
            };
            using var host = WorkerHost.Build(overrides, consumers: true, Microsoft.Extensions.Logging.LogLevel.Warning);
            var store = host.Services.GetRequiredService<IBlobStore>();
            await DemoJob.SeedAsync(store, ct);
            if (parse.GetValue(strategies) || parse.GetValue(regression)) await DemoJob.SeedStrategiesAsync(store, ct);
            await host.StartAsync(ct);
            try
            {
                if (parse.GetValue(strategies))
                {
                    var (strategyCode, _, _) = await StrategyDemo.RunAsync(host, root, ct);
                    Console.WriteLine($"{watch.Elapsed.TotalSeconds:F1} s");
                    return strategyCode;
                }
                var jobId = Guid.NewGuid();
                var prefix = $"demo-{jobId:N}"[..17];
                // The regression runs on the shortcut demo's evaluation set: enough pictures per class for its strategy section.
                var spec = parse.GetValue(regression) ? DemoJob.RegressionSpec(prefix) with { Images = DemoJob.StrategyImages } : DemoJob.Spec(prefix);
                if (parse.GetValue(meta)) spec = spec with { Analysis = [.. spec.Analysis ?? ["strategies"], "meta-evaluation(images=12,perturbations=1)"] };
                var code = await JobRunner.SubmitAsync(host, jobId, spec, Timeout.InfiniteTimeSpan, ct);
                var folder = Path.Combine(root, "audits", $"demo-{jobId:N}"[..17]);
                Console.WriteLine($"results in {folder} (report.json, images.csv, images/<image>/<method>.png) — {watch.Elapsed.TotalSeconds:F1} s");
                return code;
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }, ct));
        return command;
    }
}
