using System.Collections.Concurrent;
using System.IO.Compression;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// The archive layout's sink: a shard's maps, overlays and figures gathered in memory (a shard's worth: a few megabytes) and written
/// as one zip, <c>archives/NNNNN.zip</c>, with the relative paths the files layout would use. PNGs are stored as they are (already
/// compressed), raw maps deflated; entries sorted and dated 1980-01-01, so a rerun writes the same bytes.
/// </summary>
public sealed class ShardArchive : IArtefactSink
{
    readonly ConcurrentDictionary<string, byte[]> _files = new();

    public static string Name(int shard) => $"archives/{shard:D5}.zip";

    public Task WriteAsync(string relative, byte[] bytes, CancellationToken ct)
    {
        _files[relative] = bytes;
        return Task.CompletedTask;
    }

    public bool IsEmpty => _files.IsEmpty;

    public byte[] Zip()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, bytes) in _files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var entry = zip.CreateEntry(name, name.EndsWith(".png", StringComparison.Ordinal) ? CompressionLevel.NoCompression : CompressionLevel.Fastest);
                entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
                using var stream = entry.Open();
                stream.Write(bytes);
            }
        return buffer.ToArray();
    }

    /// <summary>The entries of a zip this class wrote that <paramref name="wanted"/> names (the report's pictures).</summary>
    public static Dictionary<string, byte[]> Extract(byte[] zip, IReadOnlySet<string> wanted)
    {
        var found = new Dictionary<string, byte[]>();
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        foreach (var entry in archive.Entries)
        {
            if (!wanted.Contains(entry.FullName)) continue;
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            found[entry.FullName] = copy.ToArray();
        }
        return found;
    }
}
