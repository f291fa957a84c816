using System.Runtime.CompilerServices;
using System.Text.Json;
using XaiVision.Contracts;
using XaiVision.Engine.Reports;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// A job's shard results read back in shard order, by name (no listing), <see cref="Concurrency"/> at a time: while the aggregator
/// folds shard <c>i</c>, shards <c>i+1 … i+Concurrency−1</c> are on their way. Memory: that many shards' records.
/// </summary>
public static class ShardResults
{
    public const int Concurrency = 8;

    /// <param name="read">Called with the number of shards read so far, after each one (progress of a long aggregation).</param>
    public static async IAsyncEnumerable<ImageRecord> ReadAsync(IBlobStore store, AuditJobSpec spec, int shards, Action<int>? read = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        int done = 0;
        var pending = new Queue<Task<List<ImageRecord>>>();
        int next = 0;
        while (next < shards || pending.Count > 0)
        {
            while (next < shards && pending.Count < Concurrency) pending.Enqueue(ReadShardAsync(store, spec, next++, ct));
            foreach (var record in await pending.Dequeue()) yield return record;
            read?.Invoke(++done);
        }
    }

    static async Task<List<ImageRecord>> ReadShardAsync(IBlobStore store, AuditJobSpec spec, int shard, CancellationToken ct)
    {
        var bytes = await store.ReadAsync(spec.Output.Container, JobLayout.Shard(spec, shard), ct)
            ?? throw new InvalidOperationException($"Shard {shard + 1}'s result '{JobLayout.Shard(spec, shard)}' is missing though the shard was counted done.");
        return JsonSerializer.Deserialize<List<ImageRecord>>(bytes, AuditJson.Options) ?? [];
    }
}
