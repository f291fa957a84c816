using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Jobs;

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
            var jobs = host.Services.GetRequiredService<JobStore>();
            var id = parse.GetValue(jobId);
            var index = await jobs.ReadIndexAsync(id, ct)
                ?? throw new Engine.XaiVisionException(
                    $"No job {id} in {host.Services.GetRequiredService<IOptions<StorageOptions>>().Value.JobsContainer} (not submitted, rejected, or another store).");
            var location = index.Location;
            var shards = await jobs.CountDoneShardsAsync(location, ct);
            var failed = await jobs.ReadFailureAsync(location, ct);
            Console.WriteLine($"job {id}: {index.Images} images in {index.Shards} shards at {location}");
            if (failed is not null)
            {
                Console.WriteLine($"state: FAILED — {failed.Reason}");
                return ExitCodes.JobFailed;
            }
            var verdict = await jobs.ReadReportAsync(location, ct);
            if (verdict is null)
            {
                var failedShards = await jobs.CountFailedShardsAsync(location, ct);
                Console.WriteLine($"state: running, {shards}/{index.Shards} shards done{(failedShards > 0 ? $" ({failedShards} failed)" : "")}");
                return ExitCodes.Ok;
            }
            Console.WriteLine(
                $"state: complete, {verdict.Images} images ({verdict.FailedImages} failed); gates {(verdict.Gates.Passed ? "passed" : "FAILED: " + string.Join("; ", verdict.Gates.Failures))}");
            return verdict.Gates.Passed ? ExitCodes.Ok : ExitCodes.GatesFailed;
        }, ct), ct));
        return command;
    }
}
