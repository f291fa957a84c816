using MassTransit;
using XaiVision.Contracts;

namespace XaiVision.Worker.Jobs;

/// <summary>The end of a job as a client sees it.</summary>
public sealed record JobOutcome(AuditJobCompleted? Completed, AuditJobRejected? Rejected, AuditJobFailed? Failed)
{
    /// <summary>One line: the images it completed, or why it was rejected or failed.</summary>
    public string Describe() =>
        Completed is { } c ? $"completed: {c.Images} images" :
        Rejected is { } r ? "rejected: " + string.Join("; ", r.Problems.Select(p => $"{p.Path}: {p.Message}")) :
        Failed is { } f ? "failed: " + f.Reason : "no outcome";
}

/// <summary>
/// Listens on a temporary endpoint for one job's events: progress goes to a callback, the first of
/// completed / rejected / failed ends the wait.
/// </summary>
public sealed class JobWatcher : IAsyncDisposable
{
    readonly TaskCompletionSource<JobOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    HostReceiveEndpointHandle? _handle;
    int _completions;

    /// <summary>How many completion events arrived (exactly one, for an idempotent aggregator).</summary>
    public int Completions => Volatile.Read(ref _completions);

    public static async Task<JobWatcher> StartAsync(IBus bus, Guid jobId, Action<AuditJobProgress> progress, CancellationToken ct)
    {
        var watcher = new JobWatcher();
        watcher._handle = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance, cfg =>
        {
            cfg.Handler<AuditJobProgress>(c => { if (c.Message.JobId == jobId) progress(c.Message); return Task.CompletedTask; });
            cfg.Handler<AuditJobCompleted>(c =>
            {
                if (c.Message.JobId != jobId) return Task.CompletedTask;
                Interlocked.Increment(ref watcher._completions);
                watcher._outcome.TrySetResult(new(c.Message, null, null));
                return Task.CompletedTask;
            });
            cfg.Handler<AuditJobRejected>(c => { if (c.Message.JobId == jobId) watcher._outcome.TrySetResult(new(null, c.Message, null)); return Task.CompletedTask; });
            cfg.Handler<AuditJobFailed>(c => { if (c.Message.JobId == jobId) watcher._outcome.TrySetResult(new(null, null, c.Message)); return Task.CompletedTask; });
        });
        await watcher._handle.Ready.WaitAsync(ct);
        return watcher;
    }

    public Task<JobOutcome> Outcome => _outcome.Task;

    public async ValueTask DisposeAsync()
    {
        if (_handle is not null) await _handle.StopAsync();
    }
}
