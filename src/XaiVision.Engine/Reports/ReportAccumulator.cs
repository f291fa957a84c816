using XaiVision.Engine.Metrics;
using XaiVision.Engine.Strategies;

namespace XaiVision.Engine.Reports;

/// <summary>
/// An audit's records folded one at a time into everything <c>report.json</c>, <c>report.html</c> and the browser's index need —
/// exact counts, sums and means; bounded samples (<see cref="ValueSample"/>) for quantiles, curve bands and bootstrap intervals;
/// bounded best/worst lists (<see cref="Extremes{T}"/>) for the pictures; errors by reason (<see cref="ErrorTally"/>). Memory grows
/// with the report's contents (methods × metrics × classes), never with the number of images, so a million-image job aggregates
/// in the memory of a thousand-image one. Records arrive in the job's order; ties in rankings fall by that order. Internal to the
/// reports: everything else reads the <see cref="ReportModel"/> made from it once the fold is done.
/// </summary>
sealed class ReportAccumulator
{
    public const int CurveCapacity = 1024;
    const int ChangedRows = 20, DriftedRows = 8, BestWorstRows = 3;

    long _seq;

    public ReportAccumulator(ReportRequest request)
    {
        Request = request;
        (Outputs, Curves) = MetricOutput.Of(request.Metrics);
        _strategies = request.Strategies is { } options ? new StrategyCollector(options, request.Seed) : null;
    }

    readonly StrategyCollector? _strategies;
    readonly ConceptCollector _concepts = new();

    /// <summary>The concept atlas of the concept methods' maps (<see cref="ConceptCollector"/>); empty without one.</summary>
    public ConceptAtlas? Concepts() => _concepts.Atlas(Methods);

    /// <summary>What the report says about its audit besides the records.</summary>
    public ReportRequest Request { get; }

    /// <summary>How the maps are clustered into strategies; null when the analysis is off.</summary>
    public StrategyOptions? StrategyOptions => _strategies?.Options;
    IReadOnlyList<StrategyGroup>? _strategyGroups;

    /// <summary>
    /// The strategy clusters of every (method, class) with enough images (<see cref="StrategyCollector"/>), computed once, after the
    /// fold; empty when the analysis is off or no class had enough images with thumbnails.
    /// </summary>
    public IReadOnlyList<StrategyGroup> Strategies => _strategyGroups ??= _strategies?.Analyse() ?? [];

    public IReadOnlyDictionary<string, MetricOutput> Outputs { get; }
    public IReadOnlyDictionary<string, CurveAxis> Curves { get; }
    public int Images { get; private set; }
    public int Failed => Errors.Count;
    /// <summary>Images explained for no class: a multi-label image without a positive label (target <c>positive</c>).</summary>
    public int WithoutTarget { get; private set; }
    /// <summary>Rows of <c>images.csv</c> and of the browser: one per explanation, one per failed image or image without a target.</summary>
    public long Rows { get; private set; }
    /// <summary>Images whose pictures are in a shard archive (the archive layout).</summary>
    public long Archived { get; private set; }
    public List<string> Methods { get; } = [];
    public SortedSet<string> MetricNames { get; } = new(StringComparer.Ordinal);
    public SortedSet<string> Classes { get; } = new(StringComparer.Ordinal);
    public ErrorTally Errors { get; } = new();

    /// <summary>Per method (first seen first) and metric (first seen first): every value of the metric.</summary>
    public Dictionary<string, Dictionary<string, ValueSample>> MetricValues { get; } = [];
    /// <summary>Per "method / perturbation": the sums of its robustness figures.</summary>
    public Dictionary<string, RobustnessSum> RobustnessSums { get; } = [];
    /// <summary>Per method: the comparison figures' values (drift, prediction changes, metric deltas).</summary>
    public Dictionary<string, Dictionary<string, ValueSample>> ComparisonValues { get; } = [];
    /// <summary>Per (LRP method, layer), forward order: ΣR / logit.</summary>
    public Dictionary<(string Method, string Layer), ValueSample> LayerShares { get; } = [];
    /// <summary>Per method and curve: every curve's sums and a sample of curves for the bands.</summary>
    public Dictionary<(string Method, string Curve), CurveSample> CurveValues { get; } = [];
    /// <summary>Per explained class and method: rows, and per metric (sum, count).</summary>
    public SortedDictionary<string, Dictionary<string, ClassRow>> PerClass { get; } = new(StringComparer.Ordinal);

    /// <summary>Per method and metric ("" = confidence): the best and worst images of that method.</summary>
    public Dictionary<(string Method, string Metric), Extremes<ImageRecord>> BestWorst { get; } = [];
    /// <summary>The same over images with a layer-sweep strip, one each.</summary>
    public Dictionary<(string Method, string Metric), Extremes<ImageRecord>> SweptBestWorst { get; } = [];
    /// <summary>Images whose prediction changed against the baseline, most drifted first; <see cref="ChangedCount"/> counts them all.</summary>
    public Extremes<ImageRecord> Changed { get; } = new(ChangedRows);
    public int ChangedCount { get; private set; }
    /// <summary>Images whose prediction held, most drifted first.</summary>
    public Extremes<ImageRecord> Drifted { get; } = new(DriftedRows);

    /// <summary>Sums over a method's maps of one perturbation: how many, prediction flips, confidence change, map similarities.</summary>
    public sealed class RobustnessSum
    {
        public int Count;
        public double Flips, ConfidenceChange, Spearman, Ssim, TopIou;

        public void Add(PerturbationRecord p)
        {
            Count++;
            Flips += p.Flipped ? 1.0 : 0.0;
            ConfidenceChange += p.ConfidenceChange;
            Spearman += p.Spearman;
            Ssim += p.Ssim;
            TopIou += p.TopIou;
        }
    }

    public sealed class ClassRow
    {
        public int Rows;
        public Dictionary<string, (double Sum, int Count)> Metrics { get; } = [];
    }

    public sealed class CurveSample(ulong seed)
    {
        readonly Random _random = new(unchecked((int)seed));
        public long Count { get; private set; }
        public double[] Sums { get; private set; } = [];
        public List<double[]> Kept { get; } = [];

        public void Add(double[] curve)
        {
            Count++;
            if (Count == 1) Sums = (double[])curve.Clone();
            else
            {
                if (curve.Length < Sums.Length) Sums = Sums[..curve.Length]; // the band spans the points every curve has
                for (int i = 0; i < Sums.Length; i++) Sums[i] += curve[i];
            }
            if (Kept.Count < CurveCapacity) Kept.Add(curve);
            else if (_random.NextInt64(Count) is var slot && slot < CurveCapacity) Kept[(int)slot] = curve;
        }
    }

    ValueSample NewSample(string key) => new(ValueSample.SeedFor(Request.Seed, key));

    static TValue At<TKey, TValue>(Dictionary<TKey, TValue> map, TKey key, Func<TValue> create) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var value)) map[key] = value = create();
        return value;
    }

    public void Add(ImageRecord record)
    {
        long seq = _seq++;
        Images++;
        if (record.Error is not null)
        {
            Errors.Add(record.Image, record.Name, record.Error);
            Rows++;
            return;
        }
        Rows += Math.Max(1, record.Explanations.Count);
        if (record.Explanations.Count == 0) WithoutTarget++;
        if (record.Archive is not null) Archived++;
        if (record.Prediction is { } prediction) Classes.Add(prediction.Name);
        foreach (var e in record.Explanations)
        {
            if (!Methods.Contains(e.Method)) Methods.Add(e.Method);
            AddMetrics(e);
            AddRobustness(e);
            AddComparison(e);
            foreach (var (curve, values) in e.Curves ?? new Dictionary<string, MetricCurve>())
                if (values.Points.Count > 0)
                    At(CurveValues, (e.Method, curve), () => new CurveSample(ValueSample.SeedFor(Request.Seed, $"curve {e.Method} {curve}"))).Add(values.Points.ToArray());
            if (!PerClass.TryGetValue(e.Target.Name, out var byMethod)) PerClass[e.Target.Name] = byMethod = [];
            var row = At(byMethod, e.Method, () => new ClassRow());
            row.Rows++;
            foreach (var (name, value) in e.Metrics ?? new Dictionary<string, double>())
                row.Metrics[name] = row.Metrics.TryGetValue(name, out var s) ? (s.Sum + value, s.Count + 1) : (value, 1);
        }
        foreach (var layer in record.LayerSweep?.Layers ?? [])
            if (layer.ShareOfScore is { } share) At(LayerShares, (layer.Method, layer.Layer), () => NewSample($"layer {layer.Method} {layer.Layer}")).Add(share);
        _strategies?.Add(record);
        _concepts.Add(record, seq);
        Rank(record, seq);
    }

    void AddMetrics(ExplanationRecord e)
    {
        if (e.Metrics is null) return;
        var method = At(MetricValues, e.Method, () => []);
        foreach (var (name, value) in e.Metrics)
        {
            MetricNames.Add(name);
            At(method, name, () => NewSample($"metric {e.Method} {name}")).Add(value);
        }
    }

    void AddRobustness(ExplanationRecord e)
    {
        foreach (var p in e.Perturbations ?? []) At(RobustnessSums, $"{e.Method} / {p.Perturbation}", () => new RobustnessSum()).Add(p);
    }

    void AddComparison(ExplanationRecord e)
    {
        if (e.Comparison is not { } c) return;
        var figures = At(ComparisonValues, e.Method, () => []);
        void Add(string figure, double value) => At(figures, figure, () => NewSample($"comparison {e.Method} {figure}")).Add(value);
        Add("drift-spearman", c.Spearman);
        Add("drift-ssim", c.Ssim);
        Add("drift-top10-iou", c.TopIou);
        Add("drift-centre-shift", c.CentreShift);
        Add("prediction-changes", c.PredictionChanged ? 1.0 : 0.0);
        foreach (var (key, delta) in c.MetricDeltas) Add("delta-" + key, delta);
    }

    bool LowerIsBetter(string metric) => Outputs.GetValueOrDefault(metric)?.Direction == MetricDirection.LowerIsBetter;

    /// <summary>Offers the image to every ranking it can enter: per method and metric (and confidence), swept or not; regression rows.</summary>
    void Rank(ImageRecord record, long seq)
    {
        foreach (var method in record.Explanations.GroupBy(e => e.Method))
        {
            var names = method.SelectMany(e => e.Metrics?.Keys ?? []).Distinct().Prepend("");
            foreach (var name in names)
            {
                double sign = name != "" && LowerIsBetter(name) ? -1 : 1;
                var keys = method.Where(e => name == "" || e.Metrics?.ContainsKey(name) == true)
                    .Select(e => (name == "" ? record.Prediction!.Probability : e.Metrics![name]) * sign).ToList();
                double best = keys.Max(), worst = keys.Min();
                At(BestWorst, (method.Key, name), () => new Extremes<ImageRecord>(BestWorstRows)).Add(best, worst, seq, record);
                if (record.LayerSweep?.Strip is not null) At(SweptBestWorst, (method.Key, name), () => new Extremes<ImageRecord>(1)).Add(best, worst, seq, record);
            }
        }
        var compared = record.Explanations.Where(e => e.Comparison is not null).ToList();
        if (compared.Count == 0) return;
        double drift = compared.Average(e => e.Comparison!.Spearman);
        if (compared.Any(e => e.Comparison!.PredictionChanged))
        {
            ChangedCount++;
            Changed.Add(-drift, -drift, seq, record);
        }
        else Drifted.Add(-drift, -drift, seq, record);
    }

    /// <summary>The report's model of the records folded so far, with what it knows besides them.</summary>
    public ReportModel Model(ReportContext context, IReadOnlyList<ShardFailure> failedShards) => new(this, context, failedShards);

    /// <summary>One analysed image's slim record (its map for that method and class).</summary>
    public ImageRecord? StrategyExample(string method, string className, string image) => _strategies?.Record(method, className, image);

    /// <summary>The metric outputs present, in the report's order: its declared outputs first, then the rest by name.</summary>
    public List<string> ReportedNames() => Outputs.Keys.Where(MetricNames.Contains).Concat(MetricNames).Distinct().ToList();
}
