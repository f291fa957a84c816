using MassTransit;
using Microsoft.Extensions.Logging;
using XaiVision.Contracts;
using XaiVision.Engine.Reports;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// Every way a job or a shard ends, in one place. A job fails at most once (<c>failed.json</c> is created by exactly one
/// caller, which alone publishes <see cref="AuditJobFailed"/>); a shard that fails as a whole still produces a result — its
/// images as error records with the reason — so the aggregator sees every shard and the job ends.
/// </summary>
public sealed class JobEnd(JobStore jobs, ILogger<JobEnd> log)
{
    public Task<bool> HasEndedAsync(JobLocation job, CancellationToken ct) => jobs.HasEndedAsync(job, ct);

    public Task<bool> HasFailedAsync(JobLocation job, CancellationToken ct) => jobs.HasFailedAsync(job, ct);

    /// <summary>Fails the job once; true when this call was the one that failed it.</summary>
    public async Task<bool> FailAsync(IPublishEndpoint publish, Guid jobId, JobLocation job, string reason, CancellationToken ct)
    {
        bool first;
        try
        {
            first = await jobs.TryCreateFailureAsync(job, new JobFailure(jobId, reason), ct);
        }
        catch (Exception e) when (e is StorageAccessException or StorageFullException)
        {
            first = true; // the output cannot be written at all: say so (possibly more than once) rather than not at all
        }
        if (first)
        {
            log.LogError("Job {JobId} failed: {Reason}", jobId, reason);
            await publish.Publish(new AuditJobFailed(jobId, reason), ct);
        }
        await CloseAsync(jobId, ct);
        return first;
    }

    /// <summary>
    /// Fails a job whose submission faulted, unless it has ended already. A spec without an output location (the fault came before
    /// validation could say so, or it is not a valid one) leaves nowhere to record it: the failure is announced only.
    /// </summary>
    public async Task FailSubmissionAsync(IPublishEndpoint publish, Guid jobId, AuditJobSpec? spec, string reason, CancellationToken ct)
    {
        if (!BlobNames.IsValidContainer(spec?.Output?.Container) || (object?)spec!.Output.Prefix is null || !BlobNames.IsSafePath(spec.Output.Prefix))
        {
            log.LogError("Job {JobId} failed: {Reason}", jobId, reason);
            await publish.Publish(new AuditJobFailed(jobId, reason), ct);
            return;
        }
        if (!await HasEndedAsync(spec.Location(), ct)) await FailAsync(publish, jobId, spec.Location(), reason, ct);
    }

    /// <summary>Records a shard that failed as a whole and announces it like any finished shard.</summary>
    public async Task FailShardAsync(IPublishEndpoint publish, AuditShard shard, string reason, CancellationToken ct)
    {
        var (spec, job) = (shard.Spec, shard.Spec.Location());
        if (!await jobs.ShardDoneAsync(job, shard.ShardIndex, ct))
        {
            log.LogError("Shard {Shard}/{Shards} of job {JobId} failed: {Reason}", shard.ShardIndex + 1, shard.ShardCount, shard.JobId, reason);
            await jobs.TryCreateShardFailureAsync(job, new ShardFailure(shard.ShardIndex, reason, shard.Images.Count), ct);
            var records = shard.Images
                .Select(i => ImageRecord.Failure(i.Blob, JobLayout.RecordName(spec, i.Blob), $"Shard {shard.ShardIndex + 1}/{shard.ShardCount} failed: {reason}")).ToList();
            await jobs.TryCreateShardAsync(job, shard.ShardIndex, records, ct);
        }
        await publish.Publish(new AuditJobProgress(shard.JobId, shard.ShardIndex, shard.ShardCount, shard.Images.Count, shard.ImagesTotal), ct);
        await publish.Publish(new ShardCompleted(shard.JobId, shard.ShardIndex, shard.ShardCount, spec, shard.Images.Count, shard.Images.Count), ct);
    }

    /// <summary>The job left the open list (it ended); idempotent, and harmless when storage refuses.</summary>
    public async Task CloseAsync(Guid jobId, CancellationToken ct)
    {
        try
        {
            await jobs.CloseAsync(jobId, ct);
        }
        catch (Exception e) when (e is StorageAccessException or StorageUnavailableException)
        {
            log.LogWarning("Job {JobId}: could not remove its open-job entry ({Reason}); the deadline check will find it ended", jobId, e.Message);
        }
    }
}
