namespace XaiVision.Engine.Reports;

/// <summary>
/// What an audit publishes beside its maps: <c>report.json</c>, <c>report.html</c>, <c>images.csv</c>, <c>errors.csv</c>, the image
/// browser (<c>browser.html</c> with its row chunks) and, with strategy analysis, <c>strategies.json</c>. Built in two passes over the records, each a stream: the first folds them
/// into the <see cref="ReportModel"/> and writes <c>errors.csv</c>; the second writes <c>images.csv</c> and the browser's chunks with the
/// columns the first found; then the pages. Memory holds one pass's current records and the fold, whatever the number of images.
/// <c>report.json</c> is the caller's to write last (a job's commit point).
/// </summary>
public sealed record AuditOutputs(ReportModel Model, IReadOnlyDictionary<string, string> Files)
{
    public JobReport Report => Model.Report;
    public string Html => Files["report.html"];
    public string Csv => Files["images.csv"];
    /// <summary><c>browser.html</c> and its chunks.</summary>
    public IReadOnlyDictionary<string, string> Browser => Files.Where(f => f.Key.StartsWith("browser", StringComparison.Ordinal)).ToDictionary(f => f.Key, f => f.Value);

    /// <summary>The outputs of records already in memory, as text by relative path; optionally against a stored run's strategies and concepts.</summary>
    public static AuditOutputs Build(ReportRequest request, IReadOnlyList<ImageRecord> records, IReadOnlyList<ShardFailure>? failedShards = null,
        IReadOnlyList<Strategies.StrategyGroup>? baselineStrategies = null, ConceptAtlas? baselineConcepts = null)
    {
        var sink = new MemorySink();
        var context = new ReportContext(BaselineStrategies: baselineStrategies, BaselineConcepts: baselineConcepts);
        var model = FoldAsync(request, context, failedShards ?? [], () => records.ToAsyncEnumerable(), sink, CancellationToken.None).GetAwaiter().GetResult();
        WriteAsync(model, () => records.ToAsyncEnumerable(), sink, CancellationToken.None).GetAwaiter().GetResult();
        return new AuditOutputs(model, sink.Files);
    }

    /// <summary>The model of records already in memory, without writing anything.</summary>
    public static ReportModel ModelOf(ReportRequest request, IEnumerable<ImageRecord> records, IReadOnlyList<ShardFailure>? failedShards = null)
    {
        var fold = new ReportAccumulator(request);
        foreach (var record in records) fold.Add(record);
        return fold.Model(ReportContext.None, failedShards ?? []);
    }

    /// <summary>Pass one: every record folded in order into the report's model; <c>errors.csv</c> written on the way.</summary>
    public static async Task<ReportModel> FoldAsync(ReportRequest request, ReportContext context, IReadOnlyList<ShardFailure> failedShards,
        Func<IAsyncEnumerable<ImageRecord>> records, IAuditOutputSink sink, CancellationToken ct)
    {
        var fold = new ReportAccumulator(request);
        await sink.WriteStreamAsync("errors.csv", async writer =>
        {
            await writer.WriteLineAsync(ImagesCsv.ErrorsHeader);
            await foreach (var record in records().WithCancellation(ct))
            {
                fold.Add(record);
                if (record.Error is not null) await writer.WriteLineAsync(ImagesCsv.ErrorRow(record));
            }
        }, ct);
        return fold.Model(context, failedShards);
    }

    /// <summary>Pass two: <c>images.csv</c> and the browser's chunks, then <c>browser.html</c>, <c>strategies.json</c> and <c>report.html</c>.</summary>
    public static async Task WriteAsync(ReportModel model, Func<IAsyncEnumerable<ImageRecord>> records, IAuditOutputSink sink, CancellationToken ct)
    {
        var metrics = model.AllMetrics;
        var chunk = new List<object?[]>(ImageBrowser.ChunkRows);
        int chunks = 0;
        await sink.WriteStreamAsync("images.csv", async writer =>
        {
            bool archive = model.Archived;
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
        await sink.WriteTextAsync("browser.html", ImageBrowser.PageFor(model), ct);
        if (model.Strategies.Count > 0)
            await sink.WriteStreamAsync("strategies.json", async writer =>
            {
                // One group at a time: the file grows with the analysed maps, the text in memory does not.
                await writer.WriteAsync("[\n");
                for (int g = 0; g < model.Strategies.Count; g++)
                    await writer.WriteAsync((g > 0 ? ",\n" : "") + System.Text.Json.JsonSerializer.Serialize(model.Strategies[g], AuditJson.Options));
                await writer.WriteAsync("\n]\n");
            }, ct);
        await sink.WriteTextAsync("report.html", ReportHtml.Build(model), ct);
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
