using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Cli;

/// <summary>Submits a job on a started host's bus and, if asked, waits for its end, printing progress and the outcome.</summary>
public static class JobRunner
{
    public static async Task<int> SubmitAsync(IHost host, Guid jobId, AuditJobSpec spec, bool wait, CancellationToken ct)
    {
        var bus = host.Services.GetRequiredService<IBus>();
        int shards = 0, images = 0;
        await using var watcher = wait ? await JobWatcher.StartAsync(bus, jobId, p =>
        {
            int doneShards = Interlocked.Increment(ref shards);
            int doneImages = Interlocked.Add(ref images, p.ImagesInShard);
            Console.Error.Write($"\r{Bar(doneImages, p.ImagesTotal)} {doneImages}/{p.ImagesTotal} images, {doneShards}/{p.ShardCount} shards");
            if (doneShards >= p.ShardCount) Console.Error.WriteLine();
        }, ct) : null;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await bus.Publish(new SubmitAuditJob(jobId, spec), ct);
        Console.WriteLine($"submitted job {jobId}");
        if (watcher is null) return ExitCodes.Ok;

        var outcome = await watcher.Outcome.WaitAsync(ct);
        if (outcome.Rejected is { } rejected)
        {
            Console.Error.WriteLine($"job {jobId} rejected:");
            foreach (var p in rejected.Problems) Console.Error.WriteLine($"  {p.Path}: {p.Message}");
            return ExitCodes.JobFailed;
        }
        if (outcome.Failed is { } failed)
        {
            Console.Error.WriteLine($"job {jobId} failed: {failed.Reason}");
            return ExitCodes.JobFailed;
        }
        var completed = outcome.Completed!;
        double seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"job {jobId} complete: {completed.Images} images, {completed.FailedImages} failed, in {seconds:F1} s ({completed.Images / seconds:F2} images/s); report at {completed.ReportLocation}");
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

    static string Bar(int done, int total)
    {
        const int width = 24;
        int filled = total == 0 ? width : Math.Min(width, done * width / total);
        return "[" + new string('#', filled) + new string('.', width - filled) + "]";
    }
}
