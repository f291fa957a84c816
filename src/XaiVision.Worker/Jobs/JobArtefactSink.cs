using XaiVision.Contracts;

namespace XaiVision.Worker.Jobs;

/// <summary>A job's maps and overlays: blobs under its output prefix.</summary>
public sealed class JobArtefactSink(JobStore jobs, AuditJobSpec spec) : IArtefactSink
{
    public Task WriteAsync(string relative, byte[] bytes, CancellationToken ct) => jobs.WriteArtefactAsync(spec, relative, bytes, ct);
}
