using System.Text.Json;
using Microsoft.Extensions.Options;
using XaiVision.Engine.Reports;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// Counts finished shards without listing them: each <c>ShardCompleted</c> sets its bit in the job's <see cref="CompletionTally"/>
/// (one read and at most one conditional write, whatever the number of shards — O(S) for the whole job). The caller that completes
/// the tally, or finds it complete with no live lease, takes the aggregation lease (<c>Jobs:AggregationLeaseSeconds</c>, renewed while
/// it works): one aggregation per job however many duplicate or concurrent events arrive. A lease left by a worker that died expires,
/// and the redelivered event takes it over. The planner writes the empty tally; an event that finds none (a job planned before this
/// code, a tally lost) seeds it from one listing of the finished shards, so no event is ever missed.
/// </summary>
public sealed class JobCompletion(IBlobStore store, IOptions<JobsOptions> options, TimeProvider clock)
{
    public enum Verdict { Waiting, Aggregate, Busy }

    TimeSpan Lease => TimeSpan.FromSeconds(options.Value.AggregationLeaseSeconds);

    /// <summary>The job's empty tally, written when it is planned (create-if-absent: a redelivered submission keeps the one it has).</summary>
    public Task StartAsync(JobLocation job, int shards, CancellationToken ct) =>
        store.TryReplaceAsync(job.Container, JobLayout.Completion(job), Bytes(CompletionTally.Empty(shards)), "application/json", etag: null, ct);

    /// <summary>Records <paramref name="shard"/> as done; <see cref="Verdict.Aggregate"/> when <paramref name="owner"/> now holds the aggregation lease.</summary>
    public async Task<Verdict> RecordAsync(JobLocation job, int shard, int shards, string owner, CancellationToken ct)
    {
        var (container, name) = (job.Container, JobLayout.Completion(job));
        for (int attempt = 0; ; attempt++)
        {
            // Racing writers back off a random while, growing with each lost race, instead of re-reading at once.
            if (attempt > 0) await Task.Delay(Random.Shared.Next(1, 4 << Math.Min(attempt, 5)), ct);
            var current = await store.ReadVersionedAsync(container, name, ct);
            var before = current is null ? await SeedAsync(job, shards, ct) : Read(current.Content);
            var tally = before.With(shard);
            if (!tally.Complete)
            {
                if (current is not null && ReferenceEquals(tally, before)) return Verdict.Waiting; // a duplicate: nothing to write
                if (await store.TryReplaceAsync(container, name, Bytes(tally), "application/json", current?.ETag, ct)) return Verdict.Waiting;
                continue; // another event wrote first: read its tally and add this bit to it
            }
            var now = clock.GetUtcNow();
            if (tally.Aggregator is { } holder && holder != owner && tally.LeaseUntil > now) return Verdict.Busy;
            tally = tally with { Aggregator = owner, LeaseUntil = now + Lease };
            if (await store.TryReplaceAsync(container, name, Bytes(tally), "application/json", current?.ETag, ct)) return Verdict.Aggregate;
        }
    }

    /// <summary>Extends <paramref name="owner"/>'s lease; false when another worker took the job over (this one's lease had run out).</summary>
    public async Task<bool> RenewAsync(JobLocation job, string owner, CancellationToken ct)
    {
        var (container, name) = (job.Container, JobLayout.Completion(job));
        while (true)
        {
            if (await store.ReadVersionedAsync(container, name, ct) is not { } current) return false;
            var tally = Read(current.Content);
            if (tally.Aggregator != owner) return false;
            if (await store.TryReplaceAsync(container, name, Bytes(tally with { LeaseUntil = clock.GetUtcNow() + Lease }), "application/json", current.ETag, ct)) return true;
        }
    }

    /// <summary>Gives the lease up (the job is reported, or this attempt failed and its retry may go elsewhere); best effort — an unreleased lease expires.</summary>
    public async Task ReleaseAsync(JobLocation job, string owner)
    {
        var (container, name) = (job.Container, JobLayout.Completion(job));
        try
        {
            while (await store.ReadVersionedAsync(container, name) is { } current && Read(current.Content) is { } tally && tally.Aggregator == owner)
                if (await store.TryReplaceAsync(container, name, Bytes(tally with { Aggregator = null, LeaseUntil = null }), "application/json", current.ETag)) return;
        }
        catch (Exception e) when (e is StorageUnavailableException or StorageAccessException)
        {
        }
    }

    /// <summary>Keeps <paramref name="owner"/>'s lease alive every third of its length until <paramref name="ct"/> is cancelled.</summary>
    public async Task KeepAliveAsync(JobLocation job, string owner, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Lease / 3, clock, ct);
                if (!await RenewAsync(job, owner, ct)) return;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>How many shards have finished (the tally's count; a job without a tally yet: none).</summary>
    public async Task<int> DoneAsync(JobLocation job, CancellationToken ct) =>
        await store.ReadVersionedAsync(job.Container, JobLayout.Completion(job), ct) is { } current ? Read(current.Content).Done : 0;

    async Task<CompletionTally> SeedAsync(JobLocation job, int shards, CancellationToken ct)
    {
        var tally = CompletionTally.Empty(shards);
        foreach (var name in await store.ListAsync(job.Container, JobLayout.ShardsPrefix(job), ct))
            if (JobLayout.ShardIndexOf(name) is { } index && index < shards) tally = tally.With(index);
        return tally;
    }

    static CompletionTally Read(byte[] content) => JsonSerializer.Deserialize<CompletionTally>(content, AuditJson.Options)!;

    static byte[] Bytes(CompletionTally tally) => JsonSerializer.SerializeToUtf8Bytes(tally, AuditJson.Options);
}
