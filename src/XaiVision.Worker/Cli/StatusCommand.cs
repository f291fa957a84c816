using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using XaiVision.Engine.Pipeline;
using XaiVision.Worker.Hosting;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Cli;

/// <summary><c>status &lt;jobId&gt;</c>: the job's state, read from blob storage (no broker needed).</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var jobId = new Argument<Guid>("job-id");
        var settings = SettingsOption.Create();
        var command = new Command("status", "Show a job's progress and verdict.") { jobId, settings };
        command.SetAction(async (parse, ct) => await CliErrors.GuardAsync(() => ClientHost.RunAsync(parse.GetValue(settings), broker: false, "status", async host =>
        {
            var store = host.Services.GetRequiredService<IBlobStore>();
            var jobs = host.Services.GetRequiredService<IOptions<StorageOptions>>().Value.JobsContainer;
            var id = parse.GetValue(jobId);
            var indexBytes = await store.ReadAsync(jobs, JobLayout.Index(id), ct)
                ?? throw new Engine.XaiVisionException($"No job {id} in {jobs} (not submitted, rejected, or another store).");
            var index = JsonSerializer.Deserialize<JobIndexEntry>(indexBytes, ExplainRunner.Json)!;
            var prefix = index.Prefix;
            var shards = (await store.ListAsync(index.Container, JobLayout.ShardsPrefix(prefix), ct)).Count;
            var report = await store.ReadAsync(index.Container, JobLayout.Report(prefix), ct);
            var failed = await store.ReadAsync(index.Container, JobLayout.Failed(prefix), ct);
            Console.WriteLine($"job {id}: {index.Images} images in {index.Shards} shards at {index.Container}/{prefix}");
            if (failed is not null)
            {
                var reason = JsonSerializer.Deserialize<JsonElement>(failed).TryGetProperty("reason", out var r) ? r.GetString() : null;
                Console.WriteLine($"state: FAILED — {reason}");
                return ExitCodes.JobFailed;
            }
            if (report is null)
            {
                var failedShards = (await store.ListAsync(index.Container, JobLayout.ShardFailuresPrefix(prefix), ct)).Count;
                Console.WriteLine($"state: running, {shards}/{index.Shards} shards done{(failedShards > 0 ? $" ({failedShards} failed)" : "")}");
                return ExitCodes.Ok;
            }
            var verdict = JsonSerializer.Deserialize<JobReport>(report, ExplainRunner.Json)!;
            Console.WriteLine($"state: complete, {verdict.Images} images ({verdict.FailedImages} failed); gates {(verdict.Gates.Passed ? "passed" : "FAILED: " + string.Join("; ", verdict.Gates.Failures))}");
            return verdict.Gates.Passed ? ExitCodes.Ok : ExitCodes.GatesFailed;
        }, ct), ct));
        return command;
    }
}
