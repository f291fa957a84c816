namespace XaiVision.Worker.Jobs;

/// <summary>A job's maps and overlays: blobs under its output prefix.</summary>
public sealed class JobArtefactSink(JobStore jobs, JobLocation job) : IArtefactSink
{
    public Task WriteAsync(string relative, byte[] bytes, CancellationToken ct) => jobs.WriteArtefactAsync(job, relative, bytes, ct);
}
