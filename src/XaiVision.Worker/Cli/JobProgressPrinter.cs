using System.Diagnostics;

namespace XaiVision.Worker.Cli;

/// <summary>
/// A waiting client's job progress on stderr: a bar redrawn in place on a terminal; without one (a CronJob's log, CI) a plain
/// line at every tenth of the shards or every 30 s, whichever comes first. A shard redelivered after a planner or worker restart is
/// announced twice and counts once (by its index), so the counts are exact and never pass the totals.
/// </summary>
public sealed class JobProgressPrinter(TextWriter error, bool terminal)
{
    static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(30);
    readonly object _gate = new();
    readonly Stopwatch _sinceLine = Stopwatch.StartNew();
    readonly HashSet<int> _seen = [];
    int _shards, _images, _lastTenth = -1;
    bool _finished;

    public static JobProgressPrinter ForConsole() => new(Console.Error, !Console.IsErrorRedirected);

    public void ShardDone(int shardIndex, int imagesInShard, int imagesTotal, int shardCount)
    {
        lock (_gate)
        {
            if (_finished || !_seen.Add(shardIndex)) return;
            _shards = Math.Min(_shards + 1, shardCount);
            _images = Math.Min(_images + imagesInShard, imagesTotal);
            bool last = _finished = _shards >= shardCount;
            var counts = $"{_images}/{imagesTotal} images, {_shards}/{shardCount} shards";
            if (terminal)
            {
                error.Write($"\r{Bar(_images, imagesTotal)} {counts}");
                if (last) error.WriteLine();
                return;
            }
            int tenth = shardCount == 0 ? 10 : _shards * 10 / shardCount;
            if (tenth == _lastTenth && _sinceLine.Elapsed < PlainInterval && !last) return;
            _lastTenth = tenth;
            _sinceLine.Restart();
            error.WriteLine($"progress: {counts} ({(shardCount == 0 ? 100 : _shards * 100 / shardCount)} %)");
        }
    }

    static string Bar(int done, int total)
    {
        const int width = 24;
        int filled = total == 0 ? width : Math.Min(width, done * width / total);
        return "[" + new string('#', filled) + new string('.', width - filled) + "]";
    }
}
