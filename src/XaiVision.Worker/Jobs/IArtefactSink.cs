namespace XaiVision.Worker.Jobs;

/// <summary>Where a run's maps and overlays go, by their record's relative path: a job's blobs, or <c>explain</c>'s output folder.</summary>
public interface IArtefactSink
{
    Task WriteAsync(string relative, byte[] bytes, CancellationToken ct);
}
