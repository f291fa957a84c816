using System.CommandLine;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using XaiVision.Contracts;
using XaiVision.Worker.Hosting;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Cli;

/// <summary>Submits a job on a started host's bus and, if asked, waits for its end, printing progress and the outcome.</summary>
public static class JobRunner
{
    public static Option<int?> TimeoutOption() => new("--timeout")
    {
        Description = "Wait at most this many seconds for the job's end (implies --wait; exit 5 when it runs out). Default: until the job ends (jobs end by their deadline).",
    };

    /// <summary>How long to wait for the job's end: null = do not wait, <see cref="Timeout.InfiniteTimeSpan"/> = until it ends.</summary>
    public static TimeSpan? Wait(bool wait, int? timeoutSeconds) => timeoutSeconds switch
    {
        < 1 => throw new Engine.XaiVisionException("--timeout must be at least 1 second."),
        { } seconds => TimeSpan.FromSeconds(seconds),
        null => wait ? Timeout.InfiniteTimeSpan : null,
    };

    /// <summary>
    /// Sends the submission straight to the durable planner queue (declared, bound and confirmed by the broker before
    /// "submitted" is printed), so a job submitted before any worker started waits in that queue instead of being dropped.
    /// </summary>
    public static async Task<int> SubmitAsync(IHost host, Guid jobId, AuditJobSpec spec, TimeSpan? wait, CancellationToken ct)
    {
        JobSpecReader.CheckSize(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(spec, Engine.Reports.AuditJson.Options).LongLength, "The job spec as a message");
        var bus = host.Services.GetRequiredService<IBus>();
        var progress = JobProgressPrinter.ForConsole();
        await using var watcher = wait is not null
            ? await JobWatcher.StartAsync(bus, jobId, p => progress.ShardDone(p.ShardIndex, p.ImagesInShard, p.ImagesTotal, p.ShardCount), ct) : null;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var queue = await bus.GetSendEndpoint(JobQueues.Submit(host.Services.GetRequiredService<IEndpointNameFormatter>()));
        await queue.Send(new SubmitAuditJob(jobId, spec), ct);
        Console.WriteLine($"submitted job {jobId}");
        if (watcher is null) return ExitCodes.Ok;

        JobOutcome outcome;
        try
        {
            outcome = await watcher.Outcome.WaitAsync(wait!.Value, ct);
        }
        catch (TimeoutException)
        {
            throw new ServiceUnreachableException($"job {jobId} did not end within {wait!.Value.TotalSeconds:F0} s (--timeout); it goes on: 'xaivision status {jobId}' shows where it is.");
        }
        if (outcome.Rejected is { } rejected)
        {
            Console.Error.WriteLine($"job {jobId} rejected:");
            foreach (var p in rejected.Problems) Console.Error.WriteLine($"  {p.Path}: {Engine.Echo.Clip(p.Message)}");
            return ExitCodes.JobFailed;
        }
        if (outcome.Failed is { } failed)
        {
            Console.Error.WriteLine($"job {jobId} failed: {failed.Reason}");
            return ExitCodes.JobFailed;
        }
        var completed = outcome.Completed!;
        double seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine(
            $"job {jobId} complete: {completed.Images} images, {completed.FailedImages} failed, in {seconds:F1} s ({completed.Images / seconds:F2} images/s); report at {completed.ReportLocation}");
        SummaryPrinter.PrintTable("summary (means)", completed.Summary);
        if (completed.GatesPassed)
        {
            Console.WriteLine("gates: passed");
            return ExitCodes.Ok;
        }
        Console.WriteLine("gates: FAILED");
        foreach (var f in completed.GateFailures) Console.WriteLine($"  {f}");
        return ExitCodes.GatesFailed;
    }
}
