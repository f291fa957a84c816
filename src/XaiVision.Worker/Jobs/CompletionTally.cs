namespace XaiVision.Worker.Jobs;

/// <summary>
/// <c>completion.json</c>: which shards of a job have finished (one bit each: 4 KB at 31,250 shards), how many, and who holds the
/// aggregation lease until when. Updated by compare-and-swap on its ETag, so a duplicate completion sets no bit twice and exactly
/// one caller sees the tally become complete.
/// </summary>
public sealed record CompletionTally(int Shards, int Done, string Bits, string? Aggregator = null, DateTimeOffset? LeaseUntil = null)
{
    public static CompletionTally Empty(int shards) => new(shards, 0, Convert.ToBase64String(new byte[(shards + 7) / 8]));

    public bool Complete => Done >= Shards;

    public bool Has(int shard) => (Convert.FromBase64String(Bits)[shard / 8] & (1 << (shard % 8))) != 0;

    /// <summary>The tally with <paramref name="shard"/> marked done (itself when it already was).</summary>
    public CompletionTally With(int shard)
    {
        if (shard < 0 || shard >= Shards) throw new ArgumentOutOfRangeException(nameof(shard), $"shard {shard} of a job of {Shards} shards");
        var bits = Convert.FromBase64String(Bits);
        if ((bits[shard / 8] & (1 << (shard % 8))) != 0) return this;
        bits[shard / 8] |= (byte)(1 << (shard % 8));
        return this with { Done = Done + 1, Bits = Convert.ToBase64String(bits) };
    }
}
