using XaiVision.Engine.Metrics;

namespace XaiVision.Worker.Tests.Shape;

/// <summary>The code's shape, checked: no namespace cycles, no metric known by name where reports are drawn.</summary>
public class ShapeTests
{
    [Fact]
    public void Product_namespaces_have_no_cycles()
    {
        var graph = SourceTree.Dependencies();
        Assert.True(graph.Count >= 15, $"only {graph.Count} namespaces found");
        Assert.Contains("XaiVision.Engine.Suites", graph["XaiVision.Engine.Reports"]); // the reader sees real edges
        var cycles = new List<string>();
        foreach (var start in graph.Keys)
        {
            // Breadth-first from each namespace: does any path lead back to it?
            var previous = new Dictionary<string, string>();
            var queue = new Queue<string>(graph[start].Select(n => { previous.TryAdd(n, start); return n; }));
            while (queue.Count > 0)
            {
                var node = queue.Dequeue();
                if (node == start)
                {
                    var path = new List<string> { start };
                    for (var at = previous[start]; at != start; at = previous[at]) path.Insert(0, at);
                    cycles.Add(start + " → " + string.Join(" → ", path));
                    break;
                }
                foreach (var next in graph[node])
                    if (previous.TryAdd(next, node)) queue.Enqueue(next);
            }
        }
        Assert.True(cycles.Count == 0, "namespace cycles:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void Reports_know_no_metric_by_name()
    {
        var reports = SourceTree.Files.Where(f => f.Namespace == "XaiVision.Engine.Reports").ToList();
        Assert.NotEmpty(reports);
        foreach (var name in MetricCatalog.Names)
        {
            var metric = MetricCatalog.Create(Engine.Explainers.MethodSpec.Parse(name));
            foreach (var output in metric.Outputs.Keys.Append(metric.Name))
                Assert.All(reports, f => Assert.DoesNotContain($"\"{output}\"", f.Text));
        }
    }

    [Fact]
    public void The_engine_depends_on_no_worker_or_message_code()
    {
        var engine = SourceTree.Dependencies().Where(kv => kv.Key.StartsWith("XaiVision.Engine", StringComparison.Ordinal));
        Assert.All(engine, kv => Assert.DoesNotContain(kv.Value, n => n.StartsWith("XaiVision.Worker") || n.StartsWith("XaiVision.Contracts")));
        var project = File.ReadAllText(Path.Combine(SourceTree.Root, "src", "XaiVision.Engine", "XaiVision.Engine.csproj"));
        Assert.DoesNotContain("Contracts", project);
        Assert.DoesNotContain("PyBridge", project);
    }

    /// <summary>Consumers translate between messages and the job services (MassTransit's samples): no blob, no path, no job step of their own.</summary>
    [Fact]
    public void Consumers_touch_no_blob_and_no_job_location()
    {
        var consumers = SourceTree.Files.Where(f => f.Namespace == "XaiVision.Worker.Consumers" && f.Path.EndsWith("Consumer.cs", StringComparison.Ordinal)).ToList();
        Assert.True(consumers.Count >= 4, $"only {consumers.Count} consumers found");
        foreach (var consumer in consumers)
            foreach (var word in new[] { "IBlobStore", "JobLayout", "Output.Container", "Output.Prefix", "JobStore" })
                Assert.False(consumer.Text.Contains(word, StringComparison.Ordinal), $"{Path.GetFileName(consumer.Path)} uses {word}");
    }

    /// <summary>
    /// The report fold is the reports' own: everything else — the pages, the picture picker, the CLI's summary, the aggregation — reads
    /// the immutable <see cref="Engine.Reports.ReportModel"/> made from it once.
    /// </summary>
    [Fact]
    public void The_report_fold_is_internal_and_everything_reads_the_report_model()
    {
        var engine = typeof(Engine.Reports.ReportModel).Assembly;
        var fold = engine.GetType("XaiVision.Engine.Reports.ReportAccumulator", throwOnError: true)!;
        Assert.False(fold.IsPublic, "the fold is public");
        var signatures = engine.GetExportedTypes().SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType));
        Assert.DoesNotContain(signatures, t => t == fold);
        var model = typeof(Engine.Reports.ReportModel);
        Assert.DoesNotContain(model.GetProperties(), p => p.CanWrite);
        foreach (var page in new[] { "ReportHtml", "ImageBrowser", "StrategySection", "TrendSection" })
        {
            var file = SourceTree.Files.Single(f => f.Path.EndsWith($"/Reports/{page}.cs", StringComparison.Ordinal));
            Assert.DoesNotContain("ReportAccumulator", file.Text);
            Assert.Contains("ReportModel", file.Text);
        }
    }
}
