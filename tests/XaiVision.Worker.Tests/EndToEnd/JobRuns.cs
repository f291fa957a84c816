using MassTransit;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Tests.EndToEnd;

public static class JobRuns
{
    /// <summary>Submits a job and waits for its outcome; the watcher listens before the submission, so no event is missed.</summary>
    public static async Task<JobOutcome> RunAsync(IBus bus, AuditJobSpec spec, Action<AuditJobProgress>? progress = null, Func<Task>? whileRunning = null)
    {
        var jobId = Guid.NewGuid();
        await using var watcher = await JobWatcher.StartAsync(bus, jobId, progress ?? (_ => { }), CancellationToken.None);
        await bus.Publish(new SubmitAuditJob(jobId, spec));
        if (whileRunning is not null) await whileRunning();
        return await watcher.Outcome.WaitAsync(Patience.Job);
    }
}
