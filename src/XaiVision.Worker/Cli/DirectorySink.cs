using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Cli;

/// <summary><c>explain</c>'s maps and overlays: files under the output folder at their record's relative path.</summary>
public sealed class DirectorySink(string directory) : IArtefactSink
{
    public async Task WriteAsync(string relative, byte[] bytes, CancellationToken ct)
    {
        var file = Path.Combine(directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, bytes, ct);
    }
}
