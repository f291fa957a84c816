using System.Text;
using XaiVision.Contracts;
using XaiVision.Engine.Reports;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Jobs;

/// <summary>A job's report files: blobs under its output prefix, streamed where they are long.</summary>
public sealed class JobOutputSink(IBlobStore store, AuditJobSpec spec) : IAuditOutputSink
{
    static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public Task WriteTextAsync(string relative, string text, CancellationToken ct) =>
        store.WriteAsync(spec.Output.Container, JobLayout.Artefact(spec, relative), Utf8.GetBytes(text), ContentTypes.For(relative), ct);

    public Task WriteStreamAsync(string relative, Func<TextWriter, Task> write, CancellationToken ct) =>
        store.WriteStreamAsync(spec.Output.Container, JobLayout.Artefact(spec, relative), async stream =>
        {
            await using var writer = new StreamWriter(stream, Utf8, 1 << 16, leaveOpen: true);
            await write(writer);
        }, ContentTypes.For(relative), ct);
}
