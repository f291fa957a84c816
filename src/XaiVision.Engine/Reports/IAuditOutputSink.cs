namespace XaiVision.Engine.Reports;

/// <summary>Where an audit's report files go — a folder, a job's blob prefix, memory — by path relative to the report.</summary>
public interface IAuditOutputSink
{
    Task WriteTextAsync(string relative, string text, CancellationToken ct);

    /// <summary>A file written line by line as the records stream past (a million-row CSV never sits in memory).</summary>
    Task WriteStreamAsync(string relative, Func<TextWriter, Task> write, CancellationToken ct);
}
