using XaiVision.Engine.Strategies;

namespace XaiVision.Engine.Reports;

/// <summary>
/// Everything an audit's pages show, read once from the fold of its records (<see cref="ReportAccumulator"/>) and never changed
/// after: <c>report.json</c> (<see cref="Report"/>), what the selection rules chose (<see cref="Selection"/>), and the tables and
/// pictures that <c>report.html</c>, the image browser, the trend, the CLI's summary and the archive layout's picture extraction
/// (<see cref="Shown"/>) read. Its context (job, series, baseline run) and the failed shards are given once, when it is made.
/// Nothing here grows with the number of images.
/// </summary>
public sealed class ReportModel
{
    internal ReportModel(ReportAccumulator fold, ReportContext context, IReadOnlyList<ShardFailure> failedShards)
    {
        Context = context;
        MetricColumns = fold.ReportedNames();
        Selection = new ReportSelection(fold.Methods, MetricColumns, (method, metric) => fold.SweptBestWorst.ContainsKey((method, metric)));
        Strategies = fold.Strategies.Select(g => ClusterConcepts.With(g, image => fold.StrategyExample(g.Summary.Method, g.Summary.Class, image))).ToList();
        StrategyChanges = context.BaselineStrategies is { } baseline ? StrategyComparison.Compare(baseline, Strategies) : null;
        MetricMeans = fold.MetricValues.ToDictionary(m => m.Key, m => (IReadOnlyDictionary<string, double>)m.Value.ToDictionary(v => v.Key, v => v.Value.Mean));
        Report = ReportAssembly.Report(fold, MetricMeans, failedShards,
            Strategies.Count == 0 ? null : new StrategyReport(fold.StrategyOptions!.Size, fold.StrategyOptions.MinImages, Strategies.Select(g => g.Summary).ToList(), StrategyChanges))
            with { MetaEvaluation = context.MetaEvaluation is { Count: > 0 } meta ? meta : null, Concepts = WithChanges(fold.Concepts(), context.BaselineConcepts) };
        AllMetrics = fold.MetricNames.ToList();
        Classes = fold.Classes.ToList();
        Rows = fold.Rows;
        Archived = fold.Archived > 0;
        Spreads = fold.MetricValues.SelectMany(m => m.Value.Select(v => (Key: (m.Key, v.Key), Spread: MetricSpread.Of(v.Value))))
            .Where(s => s.Spread is not null).ToDictionary(s => s.Key, s => s.Spread!);
        Curves = fold.CurveValues.ToDictionary(c => c.Key, c => CurveBand.Of(c.Value));
        PerClass = (from c in fold.PerClass from method in Report.Methods where c.Value.ContainsKey(method) let row = c.Value[method]
            select new ClassMeans(c.Key, method, row.Rows, row.Metrics.ToDictionary(m => m.Key, m => m.Value.Sum / m.Value.Count))).ToList();
        Changed = fold.Changed.Best.ToList();
        ChangedCount = fold.ChangedCount;
        Drifted = fold.Drifted.Best.ToList();
        if (Selection.Method is { } first)
        {
            if (fold.BestWorst.ContainsKey((first, ReportSelection.Confidence)))
                BestWorst = Selection.RankedBy.Where(n => fold.BestWorst.ContainsKey((first, n))).Select(n => RankedImages.Of(n, fold.BestWorst[(first, n)])).ToList();
            if (fold.SweptBestWorst.ContainsKey((first, ReportSelection.Confidence)))
                Sweep = RankedImages.Of(Selection.SweepRankedBy, fold.SweptBestWorst[(first, Selection.SweepRankedBy)]);
        }
        StrategyExamples = Strategies.SelectMany(g => g.Summary.Clusters.SelectMany(c => c.Examples).Distinct()
                .Select(image => (Key: (g.Summary.Method, g.Summary.Class, image), Record: fold.StrategyExample(g.Summary.Method, g.Summary.Class, image))))
            .Where(e => e.Record is not null).DistinctBy(e => e.Key).ToDictionary(e => e.Key, e => e.Record!);
        Shown = ShownImages();
    }

    /// <summary><c>report.json</c>: means, robustness, comparison with bootstrap intervals, the gates' verdict, errors by reason.</summary>
    public JobReport Report { get; }

    /// <summary>The job, its series' earlier runs and a stored baseline run's strategies, as given.</summary>
    public ReportContext Context { get; }

    /// <summary>Which method, metrics and images the pictures follow (<see cref="ReportSelection"/>).</summary>
    public ReportSelection Selection { get; }

    /// <summary>The metric outputs present, in the report's order: its declared outputs first, then the rest by name.</summary>
    public IReadOnlyList<string> MetricColumns { get; }

    /// <summary>Every metric output present, by name: the columns of <c>images.csv</c> and of the browser.</summary>
    public IReadOnlyList<string> AllMetrics { get; }

    /// <summary>Per method, each metric's mean over the images that have it (no comparison figures).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> MetricMeans { get; }

    /// <summary>The predicted classes, by name.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Rows of <c>images.csv</c> and of the browser: one per explanation, one per failed image.</summary>
    public long Rows { get; }

    /// <summary>Whether pictures are in shard archives (the archive layout).</summary>
    public bool Archived { get; }

    /// <summary>Per method and metric: mean, median, p10–p90.</summary>
    public IReadOnlyDictionary<(string Method, string Metric), MetricSpread> Spreads { get; }

    /// <summary>Per method and declared curve: the mean curve and its band.</summary>
    public IReadOnlyDictionary<(string Method, string Curve), CurveBand> Curves { get; }

    /// <summary>Per explained class (by name), then method (the report's order): rows and metric means.</summary>
    public IReadOnlyList<ClassMeans> PerClass { get; }

    /// <summary>Images whose prediction changed against the baseline model, most drifted first (a bounded few of <see cref="ChangedCount"/>).</summary>
    public IReadOnlyList<ImageRecord> Changed { get; }

    public int ChangedCount { get; }

    /// <summary>Images whose prediction held, most drifted first.</summary>
    public IReadOnlyList<ImageRecord> Drifted { get; }

    /// <summary>The shown method's best and worst images by each of <see cref="ReportSelection.RankedBy"/> that ranked one; null without explanations.</summary>
    public IReadOnlyList<RankedImages>? BestWorst { get; }

    /// <summary>The best and worst image with a layer-sweep strip, by <see cref="ReportSelection.SweepRankedBy"/>; null without a sweep.</summary>
    public RankedImages? Sweep { get; }

    /// <summary>The strategy clusters of every (method, class) with enough images; empty when the analysis is off.</summary>
    public IReadOnlyList<StrategyGroup> Strategies { get; }

    /// <summary>How the strategies changed since the stored baseline run; null without one.</summary>
    public IReadOnlyList<StrategyComparison.Change>? StrategyChanges { get; }

    /// <summary>The typical images of each strategy cluster, as slim records (their one map's pictures), by method, class and image.</summary>
    public IReadOnlyDictionary<(string Method, string Class, string Image), ImageRecord> StrategyExamples { get; }

    /// <summary>Every image the report shows pictures of: best and worst per metric, the layer-sweep strips, the regression rows, the strategy examples, the concepts' references.</summary>
    public IReadOnlyList<ImageRecord> Shown { get; }

    static ConceptAtlas? WithChanges(ConceptAtlas? atlas, ConceptAtlas? baseline) =>
        atlas is not null && baseline is not null ? atlas with { Changes = ConceptComparison.Compare(baseline, atlas) } : atlas;

    List<ImageRecord> ShownImages()
    {
        if (Selection.Method is null) return [];
        var ranked = (BestWorst ?? []).SelectMany(r => r.Best.Concat(r.Worst));
        var swept = Sweep is null ? [] : Sweep.Best.Take(1).Concat(Sweep.Worst.Take(1));
        var references = (Report.Concepts?.References ?? []).SelectMany(r => r.Images).DistinctBy(r => r.Image).Select(r => r.AsRecord());
        return ranked.Concat(swept).Concat(Changed).Concat(Drifted).Concat(StrategyExamples.Values).Concat(references).Distinct().ToList();
    }
}
