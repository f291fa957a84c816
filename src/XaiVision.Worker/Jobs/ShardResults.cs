using System.Runtime.CompilerServices;
using System.Text.Json;
using XaiVision.Engine.Reports;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// A job's shard results read back in shard order, by name (no listing), <see cref="Concurrency"/> at a time: while the aggregator
/// folds shard <c>i</c>, shards <c>i+1 … i+Concurrency−1</c> are on their way. Memory: that many shards' records.
/// </summary>
public static class ShardResults
{
    public const int Concurrency = 8;

    /// <param name="read">Called with the number of shards read so far, after each one (progress of a long aggregation).</param>
    public static async IAsyncEnumerable<ImageRecord> ReadAsync(JobStore jobs, JobLocation job, int shards, Action<int>? read = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        int done = 0;
        var pending = new Queue<Task<List<ImageRecord>>>();
        int next = 0;
        while (next < shards || pending.Count > 0)
        {
            while (next < shards && pending.Count < Concurrency) pending.Enqueue(ReadShardAsync(jobs, job, next++, ct));
            foreach (var record in await pending.Dequeue()) yield return record;
            read?.Invoke(++done);
        }
    }

    static async Task<List<ImageRecord>> ReadShardAsync(JobStore jobs, JobLocation job, int shard, CancellationToken ct)
    {
        var bytes = await jobs.ReadShardAsync(job, shard, ct)
            ?? throw new InvalidOperationException($"Shard {shard + 1}'s result '{JobLayout.Shard(job, shard)}' is missing though the shard was counted done.");
        return JsonSerializer.Deserialize<List<ImageRecord>>(bytes, AuditJson.Options) ?? [];
    }
}
