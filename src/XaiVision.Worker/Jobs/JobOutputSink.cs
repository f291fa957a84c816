using System.Text;
using XaiVision.Engine.Reports;

namespace XaiVision.Worker.Jobs;

/// <summary>A job's report files: blobs under its output prefix, streamed where they are long.</summary>
public sealed class JobOutputSink(JobStore jobs, JobLocation job) : IAuditOutputSink
{
    static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public Task WriteTextAsync(string relative, string text, CancellationToken ct) =>
        jobs.WriteArtefactAsync(job, relative, Utf8.GetBytes(text), ct);

    public Task WriteStreamAsync(string relative, Func<TextWriter, Task> write, CancellationToken ct) =>
        jobs.WriteArtefactStreamAsync(job, relative, async stream =>
        {
            await using var writer = new StreamWriter(stream, Utf8, 1 << 16, leaveOpen: true);
            await write(writer);
        }, ct);
}
