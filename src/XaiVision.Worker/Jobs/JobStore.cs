using System.Text.Json;
using Microsoft.Extensions.Options;
using XaiVision.Contracts;
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
    public Task<bool> TryCreatePlanAsync(JobPlan plan, CancellationToken ct) =>
        CreateAsync(plan.Spec.Output.Container, JobLayout.Job(plan.Spec), plan, ct);

    public Task<JobPlan?> ReadPlanAsync(AuditJobSpec spec, CancellationToken ct) => ReadAsync<JobPlan>(spec.Output.Container, JobLayout.Job(spec), ct);

    /// <summary>How many of the job's shards the planner has sent (0 before any).</summary>
    public async Task<int> ReadSentShardsAsync(AuditJobSpec spec, CancellationToken ct) =>
        await ReadAsync<PlanningProgress>(spec.Output.Container, JobLayout.Planning(spec), ct) is { } progress ? progress.SentShards : 0;

    public Task MarkSentShardsAsync(AuditJobSpec spec, int sent, CancellationToken ct) =>
        store.WriteAsync(spec.Output.Container, JobLayout.Planning(spec), JsonSerializer.SerializeToUtf8Bytes(new PlanningProgress(sent), AuditJson.Options), "application/json", ct);

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
    public Task<bool> ShardDoneAsync(AuditJobSpec spec, int shard, CancellationToken ct) => store.ExistsAsync(spec.Output.Container, JobLayout.Shard(spec, shard), ct);

    public Task<bool> TryCreateShardAsync(AuditJobSpec spec, int shard, IReadOnlyList<ImageRecord> records, CancellationToken ct) =>
        CreateAsync(spec.Output.Container, JobLayout.Shard(spec, shard), records.OrderBy(r => r.Image, StringComparer.Ordinal).ToList(), ct);

    public Task<bool> TryCreateShardAttemptAsync(AuditJobSpec spec, int shard, ShardAttempt attempt, CancellationToken ct) =>
        CreateAsync(spec.Output.Container, JobLayout.ShardAttemptsPrefix(spec, shard) + $"{attempt.Id:N}.json", attempt, ct);

    /// <summary>The marks of earlier attempts at a shard that never returned: their process died (or is still running it).</summary>
    public async Task<List<ShardAttempt>> ReadShardAttemptsAsync(AuditJobSpec spec, int shard, CancellationToken ct)
    {
        var attempts = new List<ShardAttempt>();
        foreach (var name in await store.ListAsync(spec.Output.Container, JobLayout.ShardAttemptsPrefix(spec, shard), ct))
            if (await ReadAsync<ShardAttempt>(spec.Output.Container, name, ct) is { } attempt) attempts.Add(attempt);
        return attempts;
    }

    public Task DeleteShardAttemptAsync(AuditJobSpec spec, int shard, ShardAttempt attempt, CancellationToken ct) =>
        store.DeleteAsync(spec.Output.Container, JobLayout.ShardAttemptsPrefix(spec, shard) + $"{attempt.Id:N}.json", ct);

    /// <summary>Removes every attempt mark of a shard (by listing; nothing is read).</summary>
    public async Task DeleteShardAttemptsAsync(AuditJobSpec spec, int shard, CancellationToken ct)
    {
        foreach (var name in await store.ListAsync(spec.Output.Container, JobLayout.ShardAttemptsPrefix(spec, shard), ct))
            await store.DeleteAsync(spec.Output.Container, name, ct);
    }

    public Task<bool> TryCreateShardFailureAsync(AuditJobSpec spec, ShardFailure failure, CancellationToken ct) =>
        CreateAsync(spec.Output.Container, JobLayout.ShardFailure(spec, failure.Shard), failure, ct);

    public async Task<int> CountDoneShardsAsync(string container, string prefix, CancellationToken ct) =>
        (await store.ListAsync(container, JobLayout.ShardsPrefix(prefix), ct)).Count(n => n.EndsWith(".json"));

    public async Task<int> CountFailedShardsAsync(string container, string prefix, CancellationToken ct) =>
        (await store.ListAsync(container, JobLayout.ShardFailuresPrefix(prefix), ct)).Count(n => n.EndsWith(".json"));

    public async Task<List<ShardFailure>> ReadShardFailuresAsync(AuditJobSpec spec, CancellationToken ct)
    {
        var failures = new List<ShardFailure>();
        foreach (var name in (await store.ListAsync(spec.Output.Container, JobLayout.ShardFailuresPrefix(spec), ct)).Where(n => n.EndsWith(".json")).Order(StringComparer.Ordinal))
            if (await ReadAsync<ShardFailure>(spec.Output.Container, name, ct) is { } failure) failures.Add(failure);
        return failures;
    }

    /// <summary>A map or overlay, under the job's prefix at its record's relative path.</summary>
    public Task WriteArtefactAsync(AuditJobSpec spec, string relative, byte[] bytes, CancellationToken ct) =>
        store.WriteAsync(spec.Output.Container, JobLayout.Artefact(spec, relative), bytes, ContentTypes.For(relative), ct);

    // The report and the job's end.
    public Task<bool> HasReportAsync(AuditJobSpec spec, CancellationToken ct) => store.ExistsAsync(spec.Output.Container, JobLayout.Report(spec), ct);

    public Task<JobReport?> ReadReportAsync(string container, string prefix, CancellationToken ct) => ReadAsync<JobReport>(container, JobLayout.Report(prefix), ct);

    /// <summary>Creates <c>report.json</c>, the job's commit point (its other report files are written first); true when this call created it.</summary>
    public Task<bool> TryCreateReportAsync(AuditJobSpec spec, JobReport report, CancellationToken ct) => CreateAsync(spec.Output.Container, JobLayout.Report(spec), report, ct);

    public Task<bool> IsAnnouncedAsync(AuditJobSpec spec, CancellationToken ct) => store.ExistsAsync(spec.Output.Container, JobLayout.Announced(spec), ct);

    public Task MarkAnnouncedAsync(AuditJobSpec spec, CancellationToken ct) =>
        store.TryCreateAsync(spec.Output.Container, JobLayout.Announced(spec), "{\"announced\":true}"u8.ToArray(), "application/json", ct);

    public async Task<bool> HasEndedAsync(string container, string prefix, CancellationToken ct) =>
        await store.ExistsAsync(container, JobLayout.Failed(prefix), ct) || await store.ExistsAsync(container, JobLayout.Report(prefix), ct);

    public Task<bool> HasFailedAsync(AuditJobSpec spec, CancellationToken ct) => store.ExistsAsync(spec.Output.Container, JobLayout.Failed(spec), ct);

    public Task<bool> TryCreateFailureAsync(JobFailure failure, string container, string prefix, CancellationToken ct) =>
        CreateAsync(container, JobLayout.Failed(prefix), failure, ct);

    public Task<JobFailure?> ReadFailureAsync(string container, string prefix, CancellationToken ct) => ReadAsync<JobFailure>(container, JobLayout.Failed(prefix), ct);

    Task<bool> CreateAsync<T>(string container, string name, T value, CancellationToken ct) =>
        store.TryCreateAsync(container, name, JsonSerializer.SerializeToUtf8Bytes(value, AuditJson.Options), "application/json", ct);

    async Task<T?> ReadAsync<T>(string container, string name, CancellationToken ct) where T : class =>
        await store.ReadAsync(container, name, ct) is { } bytes ? JsonSerializer.Deserialize<T>(bytes, AuditJson.Options) : null;
}

/// <summary><c>planning.json</c>: how many shards the planner has sent, so a redelivered submission resumes.</summary>
public sealed record PlanningProgress(int SentShards);
