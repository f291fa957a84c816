namespace XaiVision.Engine.Reports;

/// <summary>
/// What an audit publishes beside its maps: <c>report.json</c>, <c>report.html</c>, <c>images.csv</c>, <c>errors.csv</c>, the image
/// browser (<c>browser.html</c> with its row chunks) and, with strategy analysis, <c>strategies.json</c>. Built in two passes over the records, each a stream: the first folds them
/// (<see cref="ReportAccumulator"/>) and writes <c>errors.csv</c>; the second writes <c>images.csv</c> and the browser's chunks with the
/// columns the first found; then the pages. Memory holds one pass's current records and the fold, whatever the number of images.
/// <c>report.json</c> is the caller's to write last (a job's commit point).
/// </summary>
public sealed record AuditOutputs(JobReport Report, IReadOnlyDictionary<string, string> Files)
{
    public string Html => Files["report.html"];
    public string Csv => Files["images.csv"];
    /// <summary><c>browser.html</c> and its chunks.</summary>
    public IReadOnlyDictionary<string, string> Browser => Files.Where(f => f.Key.StartsWith("browser", StringComparison.Ordinal)).ToDictionary(f => f.Key, f => f.Value);

    /// <summary>The outputs of records already in memory, as text by relative path; optionally against a stored run's strategies.</summary>
    public static AuditOutputs Build(ReportRequest request, IReadOnlyList<ImageRecord> records, IReadOnlyList<ShardFailure>? failedShards = null,
        IReadOnlyList<Strategies.StrategyGroup>? baselineStrategies = null)
    {
        var sink = new MemorySink();
        var digest = FoldAsync(request, () => records.ToAsyncEnumerable(), sink, CancellationToken.None).GetAwaiter().GetResult();
        var context = new ReportContext(BaselineStrategies: baselineStrategies);
        var report = WriteAsync(digest, context, () => records.ToAsyncEnumerable(), failedShards ?? [], sink, CancellationToken.None).GetAwaiter().GetResult();
        return new AuditOutputs(report, sink.Files);
    }

    /// <summary>Pass one: every record folded in order; <c>errors.csv</c> written on the way.</summary>
    public static async Task<ReportAccumulator> FoldAsync(ReportRequest request, Func<IAsyncEnumerable<ImageRecord>> records, IAuditOutputSink sink, CancellationToken ct)
    {
        var digest = new ReportAccumulator(request);
        await sink.WriteStreamAsync("errors.csv", async writer =>
        {
            await writer.WriteLineAsync(ImagesCsv.ErrorsHeader);
            await foreach (var record in records().WithCancellation(ct))
            {
                digest.Add(record);
                if (record.Error is not null) await writer.WriteLineAsync(ImagesCsv.ErrorRow(record));
            }
        }, ct);
        return digest;
    }

    /// <summary>Pass two: <c>images.csv</c> and the browser's chunks, then <c>browser.html</c> and <c>report.html</c>; returns the report.</summary>
    public static async Task<JobReport> WriteAsync(ReportAccumulator digest, ReportContext context, Func<IAsyncEnumerable<ImageRecord>> records,
        IReadOnlyList<ShardFailure> failedShards, IAuditOutputSink sink, CancellationToken ct)
    {
        var report = digest.Report(failedShards, context);
        var metrics = digest.MetricNames.ToList();
        var chunk = new List<object?[]>(ImageBrowser.ChunkRows);
        int chunks = 0;
        await sink.WriteStreamAsync("images.csv", async writer =>
        {
            bool archive = digest.Archived > 0;
            await writer.WriteLineAsync(ImagesCsv.Header(metrics, archive));
            await foreach (var record in records().WithCancellation(ct))
            {
                foreach (var line in ImagesCsv.Rows(record, metrics, archive)) await writer.WriteLineAsync(line);
                foreach (var row in ImageBrowser.Rows(record, metrics))
                {
                    chunk.Add(row);
                    if (chunk.Count < ImageBrowser.ChunkRows) continue;
                    await sink.WriteTextAsync(ImageBrowser.ChunkName(chunks++), ImageBrowser.Chunk(chunk), ct);
                    chunk.Clear();
                }
            }
        }, ct);
        if (chunk.Count > 0 || chunks == 0) await sink.WriteTextAsync(ImageBrowser.ChunkName(chunks), ImageBrowser.Chunk(chunk), ct);
        await sink.WriteTextAsync("browser.html", ImageBrowser.PageFor(report, digest), ct);
        if (digest.Strategies.Count > 0)
            await sink.WriteStreamAsync("strategies.json", async writer =>
            {
                // One group at a time: the file grows with the analysed maps, the text in memory does not.
                await writer.WriteAsync("[\n");
                for (int g = 0; g < digest.Strategies.Count; g++)
                    await writer.WriteAsync((g > 0 ? ",\n" : "") + System.Text.Json.JsonSerializer.Serialize(digest.Strategies[g], AuditJson.Options));
                await writer.WriteAsync("\n]\n");
            }, ct);
        await sink.WriteTextAsync("report.html", ReportHtml.Build(report, digest, context), ct);
        return report;
    }

    sealed class MemorySink : IAuditOutputSink
    {
        public Dictionary<string, string> Files { get; } = [];

        public Task WriteTextAsync(string relative, string text, CancellationToken ct)
        {
            Files[relative] = text;
            return Task.CompletedTask;
        }

        public async Task WriteStreamAsync(string relative, Func<TextWriter, Task> write, CancellationToken ct)
        {
            using var writer = new StringWriter();
            await write(writer);
            Files[relative] = writer.ToString();
        }
    }
}
