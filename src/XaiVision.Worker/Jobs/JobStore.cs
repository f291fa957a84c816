using System.Text.Json;
using Microsoft.Extensions.Options;
using XaiVision.Engine.Reports;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// Every blob a job reads or writes, by meaning: the plan, the index and open-job entries, shard results and failures,
/// artefacts, the report and the markers (<c>failed.json</c>, <c>announced.json</c>). Names come from <see cref="JobLayout"/>;
/// JSON from <see cref="AuditJson"/>. Consumers, the deadline watch and <c>status</c> go through here and touch no blob path.
/// Creates are create-if-absent, so redelivered messages and racing workers write each result once.
/// </summary>
public sealed class JobStore(IBlobStore store, IOptions<StorageOptions> storage)
{
    string JobsContainer => storage.Value.JobsContainer;

    /// <summary>A series' finished runs (<c>history/&lt;series&gt;.json</c>), oldest first; empty when it has none yet.</summary>
    public async Task<SeriesHistory> ReadHistoryAsync(string series, CancellationToken ct) =>
        await ReadAsync<SeriesHistory>(JobsContainer, JobLayout.History(series), ct) ?? new SeriesHistory(series, []);

    /// <summary>Adds a run to its series by compare-and-swap (concurrent series runs both land); a run already there is not added again.</summary>
    public async Task AppendHistoryAsync(string series, SeriesRun run, CancellationToken ct)
    {
        var name = JobLayout.History(series);
        for (int attempt = 0; ; attempt++)
        {
            var current = await store.ReadVersionedAsync(JobsContainer, name, ct);
            var history = current is null ? new SeriesHistory(series, []) : JsonSerializer.Deserialize<SeriesHistory>(current.Content, AuditJson.Options)!;
            if (history.Runs.Any(r => r.JobId == run.JobId)) return;
            var next = history with { Runs = history.Runs.Append(run).OrderBy(r => r.Finished).ToList() };
            if (await store.TryReplaceAsync(JobsContainer, name, JsonSerializer.SerializeToUtf8Bytes(next, AuditJson.Options), "application/json", current?.ETag, ct)) return;
            if (attempt >= 50) throw new InvalidOperationException($"history/{series}.json kept changing under 50 attempts to add job {run.JobId}.");
            await Task.Delay(Random.Shared.Next(5, 50), ct);
        }
    }

    // The plan and the job's entries in the jobs container.
    public Task<bool> TryCreatePlanAsync(JobPlan plan, CancellationToken ct) => CreateAsync(plan.Spec.Location(), JobLayout.Job, plan, ct);

    public Task<JobPlan?> ReadPlanAsync(JobLocation job, CancellationToken ct) => ReadAsync<JobPlan>(job, JobLayout.Job, ct);

    /// <summary>How many of the job's shards the planner has sent (0 before any).</summary>
    public async Task<int> ReadSentShardsAsync(JobLocation job, CancellationToken ct) =>
        await ReadAsync<PlanningProgress>(job, JobLayout.Planning, ct) is { } progress ? progress.SentShards : 0;

    public Task MarkSentShardsAsync(JobLocation job, int sent, CancellationToken ct) =>
        store.WriteAsync(job.Container, JobLayout.Planning(job), JsonSerializer.SerializeToUtf8Bytes(new PlanningProgress(sent), AuditJson.Options), "application/json", ct);

    public Task<bool> TryCreateIndexAsync(JobIndexEntry entry, CancellationToken ct) => CreateAsync(JobsContainer, JobLayout.Index(entry.JobId), entry, ct);

    public Task<JobIndexEntry?> ReadIndexAsync(Guid jobId, CancellationToken ct) => ReadAsync<JobIndexEntry>(JobsContainer, JobLayout.Index(jobId), ct);

    public Task<bool> TryCreateOpenAsync(OpenJob open, CancellationToken ct) => CreateAsync(JobsContainer, JobLayout.Open(open.JobId), open, ct);

    public async Task<IReadOnlyList<OpenJob>> ReadOpenJobsAsync(CancellationToken ct)
    {
        var open = new List<OpenJob>();
        foreach (var name in await store.ListAsync(JobsContainer, JobLayout.OpenPrefix, ct))
            if (await ReadAsync<OpenJob>(JobsContainer, name, ct) is { } job) open.Add(job);
        return open;
    }

    /// <summary>The job left the open list (it ended); idempotent.</summary>
    public Task CloseAsync(Guid jobId, CancellationToken ct) => store.DeleteAsync(JobsContainer, JobLayout.Open(jobId), ct);

    // Shards.
    public Task<bool> ShardDoneAsync(JobLocation job, int shard, CancellationToken ct) => store.ExistsAsync(job.Container, JobLayout.Shard(job, shard), ct);

    public Task<bool> TryCreateShardAsync(JobLocation job, int shard, IReadOnlyList<ImageRecord> records, CancellationToken ct) =>
        CreateAsync(job.Container, JobLayout.Shard(job, shard), records.OrderBy(r => r.Image, StringComparer.Ordinal).ToList(), ct);

    /// <summary>A shard's records, as its worker wrote them; null while it has none.</summary>
    public Task<byte[]?> ReadShardAsync(JobLocation job, int shard, CancellationToken ct) => store.ReadAsync(job.Container, JobLayout.Shard(job, shard), ct);

    public Task<bool> TryCreateShardAttemptAsync(JobLocation job, int shard, ShardAttempt attempt, CancellationToken ct) =>
        CreateAsync(job.Container, JobLayout.ShardAttemptsPrefix(job, shard) + $"{attempt.Id:N}.json", attempt, ct);

    /// <summary>The marks of earlier attempts at a shard that never returned: their process died (or is still running it).</summary>
    public async Task<List<ShardAttempt>> ReadShardAttemptsAsync(JobLocation job, int shard, CancellationToken ct)
    {
        var attempts = new List<ShardAttempt>();
        foreach (var name in await store.ListAsync(job.Container, JobLayout.ShardAttemptsPrefix(job, shard), ct))
            if (await ReadAsync<ShardAttempt>(job.Container, name, ct) is { } attempt) attempts.Add(attempt);
        return attempts;
    }

    public Task DeleteShardAttemptAsync(JobLocation job, int shard, ShardAttempt attempt, CancellationToken ct) =>
        store.DeleteAsync(job.Container, JobLayout.ShardAttemptsPrefix(job, shard) + $"{attempt.Id:N}.json", ct);

    /// <summary>Removes every attempt mark of a shard (by listing; nothing is read).</summary>
    public async Task DeleteShardAttemptsAsync(JobLocation job, int shard, CancellationToken ct)
    {
        foreach (var name in await store.ListAsync(job.Container, JobLayout.ShardAttemptsPrefix(job, shard), ct))
            await store.DeleteAsync(job.Container, name, ct);
    }

    /// <summary>Removes every attempt mark of the job: when it is reported no shard runs any more, and a mark whose removal an outage
    /// prevented would otherwise stay among the outputs.</summary>
    public async Task DeleteAttemptMarksAsync(JobLocation job, CancellationToken ct)
    {
        foreach (var name in await store.ListAsync(job.Container, JobLayout.AttemptsPrefix(job), ct))
            await store.DeleteAsync(job.Container, name, ct);
    }

    public Task<bool> TryCreateShardFailureAsync(JobLocation job, ShardFailure failure, CancellationToken ct) =>
        CreateAsync(job.Container, JobLayout.ShardFailure(job, failure.Shard), failure, ct);

    public async Task<int> CountDoneShardsAsync(JobLocation job, CancellationToken ct) =>
        (await store.ListAsync(job.Container, JobLayout.ShardsPrefix(job), ct)).Count(n => n.EndsWith(".json"));

    public async Task<int> CountFailedShardsAsync(JobLocation job, CancellationToken ct) =>
        (await store.ListAsync(job.Container, JobLayout.ShardFailuresPrefix(job), ct)).Count(n => n.EndsWith(".json"));

    public async Task<List<ShardFailure>> ReadShardFailuresAsync(JobLocation job, CancellationToken ct)
    {
        var failures = new List<ShardFailure>();
        foreach (var name in (await store.ListAsync(job.Container, JobLayout.ShardFailuresPrefix(job), ct)).Where(n => n.EndsWith(".json")).Order(StringComparer.Ordinal))
            if (await ReadAsync<ShardFailure>(job.Container, name, ct) is { } failure) failures.Add(failure);
        return failures;
    }

    // Artefacts: maps, overlays, archives and report files, under the job's prefix at their relative paths.
    public Task WriteArtefactAsync(JobLocation job, string relative, byte[] bytes, CancellationToken ct) =>
        store.WriteAsync(job.Container, JobLayout.Artefact(job, relative), bytes, ContentTypes.For(relative), ct);

    public Task WriteArtefactStreamAsync(JobLocation job, string relative, Func<Stream, Task> write, CancellationToken ct) =>
        store.WriteStreamAsync(job.Container, JobLayout.Artefact(job, relative), write, ContentTypes.For(relative), ct);

    public Task<byte[]?> ReadArtefactAsync(JobLocation job, string relative, CancellationToken ct) => store.ReadAsync(job.Container, JobLayout.Artefact(job, relative), ct);

    // The report and the job's end.
    public Task<bool> HasReportAsync(JobLocation job, CancellationToken ct) => store.ExistsAsync(job.Container, JobLayout.Report(job), ct);

    public Task<JobReport?> ReadReportAsync(JobLocation job, CancellationToken ct) => ReadAsync<JobReport>(job, JobLayout.Report, ct);

    /// <summary>Creates <c>report.json</c>, the job's commit point (its other report files are written first); true when this call created it.</summary>
    public Task<bool> TryCreateReportAsync(JobLocation job, JobReport report, CancellationToken ct) => CreateAsync(job, JobLayout.Report, report, ct);

    public Task<bool> IsAnnouncedAsync(JobLocation job, CancellationToken ct) => store.ExistsAsync(job.Container, JobLayout.Announced(job), ct);

    public Task MarkAnnouncedAsync(JobLocation job, CancellationToken ct) =>
        store.TryCreateAsync(job.Container, JobLayout.Announced(job), "{\"announced\":true}"u8.ToArray(), "application/json", ct);

    public async Task<bool> HasEndedAsync(JobLocation job, CancellationToken ct) =>
        await store.ExistsAsync(job.Container, JobLayout.Failed(job), ct) || await store.ExistsAsync(job.Container, JobLayout.Report(job), ct);

    public Task<bool> HasFailedAsync(JobLocation job, CancellationToken ct) => store.ExistsAsync(job.Container, JobLayout.Failed(job), ct);

    public Task<bool> TryCreateFailureAsync(JobLocation job, JobFailure failure, CancellationToken ct) => CreateAsync(job, JobLayout.Failed, failure, ct);

    public Task<JobFailure?> ReadFailureAsync(JobLocation job, CancellationToken ct) => ReadAsync<JobFailure>(job, JobLayout.Failed, ct);

    Task<bool> CreateAsync<T>(JobLocation job, Func<JobLocation, string> name, T value, CancellationToken ct) => CreateAsync(job.Container, name(job), value, ct);

    Task<T?> ReadAsync<T>(JobLocation job, Func<JobLocation, string> name, CancellationToken ct) where T : class => ReadAsync<T>(job.Container, name(job), ct);

    Task<bool> CreateAsync<T>(string container, string name, T value, CancellationToken ct) =>
        store.TryCreateAsync(container, name, JsonSerializer.SerializeToUtf8Bytes(value, AuditJson.Options), "application/json", ct);

    async Task<T?> ReadAsync<T>(string container, string name, CancellationToken ct) where T : class =>
        await store.ReadAsync(container, name, ct) is { } bytes ? JsonSerializer.Deserialize<T>(bytes, AuditJson.Options) : null;
}

/// <summary><c>planning.json</c>: how many shards the planner has sent, so a redelivered submission resumes.</summary>
public sealed record PlanningProgress(int SentShards);
