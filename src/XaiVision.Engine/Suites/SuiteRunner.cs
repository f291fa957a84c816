using System.Diagnostics;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using XaiVision.Engine.Perturbations;
using static TorchSharp.torch;

namespace XaiVision.Engine.Suites;

/// <summary>
/// Runs a suite on a batch of images on one device: one forward pass for predictions; per explainer
/// one batched explanation of every (image, target) row; every metric on those maps; every
/// perturbation applied once (or once per explainer when it depends on the maps) with one forward
/// pass for the new predictions and one batched explanation of the perturbed images, warped back to
/// the original frame and compared. Deterministic for a given seed. Methods that read a layer's or the input's gradient share
/// one forward (which is also the prediction) and one backward (<see cref="SharedPass"/>). Stage timings are returned
/// (keys <c>predict</c> or <c>shared-pass</c>, <c>explain:&lt;method&gt;</c>, <c>metric:&lt;name&gt;</c>, <c>perturb:&lt;name&gt;</c>).
/// </summary>
public sealed class SuiteRunner(ExplainableModel model, SuiteRun suite)
{
    /// <summary>The model the methods and metrics run on (contrasted for a contrast target; it does not own the network).</summary>
    readonly ExplainableModel model = suite.Target.On(model);

    readonly Dictionary<string, double> _stages = new();

    /// <summary>Checked before every stage: a cancelled batch stops at the next stage instead of running to its end (native code
    /// cannot be interrupted), so a stopping worker frees its model within one stage.</summary>
    public CancellationToken Cancellation { get; init; }

    public SuiteBatch Run(IReadOnlyList<SuiteInput> images)
    {
        _stages.Clear();
        using var scope = NewDisposeScope();
        var input = Time("predict", () => ImagePreparer.ToBatch(images.Select(i => i.View).ToList(), model.Preprocessing).to(model.Device));
        var (batch, fromSharedPass) = Predict(input, images);
        var sweep = suite.LayerSweep ? Time("layer-sweep", () => Sweep(input, batch)) : null;
        SuiteBatch Result(Func<int, IReadOnlyList<SuiteMap>> mapsOf) => new(images.Select((image, i) =>
            new SuiteImage(image.View, Top(batch.Logits, batch.Probabilities, i, 5), mapsOf(i), sweep?[i], image.Mask)).ToList(), new Dictionary<string, double>(_stages));
        if (batch.Rows.Count == 0) return Result(_ => []); // a multi-label batch without a positive label: its predictions, nothing to explain

        // Perturbations that ignore the maps are applied and predicted once for all explainers.
        var sharedPerturbations = suite.PerturbationList.Where(p => !p.NeedsMaps)
            .ToDictionary(p => p.Name, p => Time($"perturb:{p.Name}", () => Perturb(p, batch.Input, null)));
        var concepts = new Dictionary<IExplainer, IReadOnlyList<ConceptShares>>();
        var explained = suite.Explainers.Select(explainer => (Explainer: explainer, Maps: fromSharedPass?.GetValueOrDefault(explainer)
            ?? Time($"explain:{explainer.Name}", () => Explain(explainer, batch, concepts)))).ToList();
        // Metrics whose perturbed inputs do not depend on the map run their forwards once for every method.
        var sharedMetrics = suite.MetricList.Where(m => m.SharesAcrossMethods)
            .ToDictionary(m => m, m => Time($"metric:{m.Name}", () => m.EvaluateMany(Context(batch, explained[0].Explainer, explained[0].Maps), explained)));

        var maps = batch.Rows.Rows.Select(_ => new List<SuiteMap>()).ToArray();
        foreach (var (explainer, map, index) in explained.Select((e, i) => (e.Explainer, e.Maps, i)))
        {
            var rowMaps = MapsOf(batch, explainer, map, metric => sharedMetrics.TryGetValue(metric, out var all) ? all[index] : null, sharedPerturbations,
                concepts.GetValueOrDefault(explainer));
            for (int r = 0; r < rowMaps.Count; r++) maps[r].Add(rowMaps[r]);
        }
        return Result(i => batch.Rows.RowsOf(i).SelectMany(r => maps[r]).ToList());
    }

    /// <summary>One method's maps of every row (float32); a concept method's per-row concepts go into <paramref name="concepts"/>.</summary>
    Tensor Explain(IExplainer explainer, RowBatch batch, Dictionary<IExplainer, IReadOnlyList<ConceptShares>> concepts)
    {
        if (explainer is not IConceptExplainer conceptual)
            return explainer.Explain(ModelFor(explainer), batch.Input, batch.Classes, suite.Seed).to(ScalarType.Float32);
        var result = conceptual.ExplainWithConcepts(ModelFor(explainer), batch.Input, batch.Classes, suite.Seed);
        concepts[explainer] = result.OnObject(batch.Masks);
        foreach (var located in result.Located) located.Dispose();
        return result.Maps.to(ScalarType.Float32);
    }

    /// <summary>
    /// The prediction and the rows to explain; with methods that share one forward and backward (<see cref="SharedPass"/>), their maps
    /// too: the prediction and every CAM / input-gradient method from one forward and one backward per target rank.
    /// </summary>
    (RowBatch Batch, IReadOnlyDictionary<IExplainer, Tensor>? FromSharedPass) Predict(Tensor input, IReadOnlyList<SuiteInput> images)
    {
        var labels = images.Select(i => i.Label).ToList();
        Tensor logits;
        TargetRows rows;
        IReadOnlyDictionary<IExplainer, Tensor>? maps = null;
        if (SharedPass.Applies(model, suite.Explainers))
        {
            var passModel = suite.Explainers.Where(SharedPass.Shares).All(e => e.KeepsMapInBFloat16) ? model : model.Float32;
            var pass = Time(StageTimes.SharedPass, () => SharedPass.Run(passModel, input, suite.Explainers, l => suite.Target.Choose(l, labels, model.Head)));
            (logits, rows, maps) = (pass.Logits.cpu(), pass.Rows, pass.Maps);
        }
        else
        {
            using (no_grad()) logits = Time("predict", () => model.Forward(input).cpu());
            rows = new TargetRows(suite.Target.Choose(logits, labels, model.Head));
        }
        var batch = new RowBatch(logits, model.Probabilities(logits), rows, rows.PerRow(input), rows.Classes(model.Device), rows.PerRow(images.Select(i => i.Mask).ToList()));
        return (batch, maps);
    }

    /// <summary>The layer sweep, per image for its first target (an image without one, under a <c>positive</c> target: its top class).</summary>
    IReadOnlyList<SweepMap>[] Sweep(Tensor input, RowBatch batch)
    {
        var classes = batch.Rows.Targets.Select((t, i) => t.Length > 0 ? t[0] : batch.Logits[i].argmax().item<long>()).ToArray();
        return LayerSweep.Run(model.Float32, input, classes, classes.Select((c, i) => (double)batch.Logits[i, c].item<float>()).ToArray(), suite.Explainers);
    }

    /// <summary>One method's maps, a <see cref="SuiteMap"/> per row: its metrics' values and curves, and how each perturbation moved it.</summary>
    List<SuiteMap> MapsOf(RowBatch batch, IExplainer explainer, Tensor map, Func<IMetric, IReadOnlyList<MetricResult>?> sharedMetric,
        Dictionary<string, (Tensor Images, Tensor Logits)> sharedPerturbations, IReadOnlyList<ConceptShares>? concepts)
    {
        var rows = batch.Rows.Rows;
        var hostMaps = Rows(map);
        var metricValues = rows.Select(_ => new Dictionary<string, double>()).ToArray();
        var metricCurves = rows.Select(_ => new Dictionary<string, MetricCurve>()).ToArray();
        foreach (var metric in suite.MetricList)
        {
            var values = sharedMetric(metric) ?? Time($"metric:{metric.Name}:{explainer.Name}", () => metric.Evaluate(Context(batch, explainer, map)));
            for (int r = 0; r < rows.Count; r++)
            {
                foreach (var (k, v) in values[r].Values) metricValues[r][k] = v;
                foreach (var (k, v) in values[r].Curves) metricCurves[r][k] = v;
            }
        }
        var perturbed = rows.Select(_ => new List<PerturbedMap>()).ToArray();
        foreach (var p in suite.PerturbationList)
        {
            var (images, after) = sharedPerturbations.TryGetValue(p.Name, out var s) ? s : Time($"perturb:{p.Name}", () => Perturb(p, batch.Input, map));
            var results = Time($"perturb:{p.Name}:{explainer.Name}", () => Compare(p, explainer, images, after, rows, hostMaps, batch.Probabilities, batch.Classes));
            for (int r = 0; r < rows.Count; r++) perturbed[r].Add(results[r]);
        }
        var description = Describe(explainer);
        return rows.Select((row, r) => new SuiteMap(explainer.Name, description, Score(batch.Logits, batch.Probabilities, row.Image, row.Class), hostMaps[r],
            metricValues[r], perturbed[r], row.Rank, batch.Rows.Targets[row.Image].Length, metricCurves[r].Count > 0 ? metricCurves[r] : null,
            concepts?[r])).ToList();
    }

    /// <summary>A batch's prediction and its rows (<see cref="TargetRows"/>) with the per-row input, classes and masks the methods and metrics take.</summary>
    sealed record RowBatch(Tensor Logits, Tensor Probabilities, TargetRows Rows, Tensor Input, Tensor Classes, IReadOnlyList<bool[]?> Masks);

    MetricContext Context(RowBatch batch, IExplainer explainer, Tensor map) =>
        new(ModelFor(explainer), explainer, batch.Input, batch.Classes, map, batch.Masks, suite.Seed);

    (Tensor Images, Tensor Logits) Perturb(IPerturbation p, Tensor images, Tensor? maps)
    {
        var perturbed = p.Apply(new PerturbationInput(images, model.Preprocessing, suite.Seed, maps));
        using var _ = no_grad();
        return (perturbed, model.Forward(perturbed).cpu());
    }

    List<PerturbedMap> Compare(IPerturbation p, Explainers.IExplainer explainer, Tensor images, Tensor logitsAfter,
        IReadOnlyList<TargetRows.Row> rows, float[][] before, Tensor probabilitiesBefore, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var probabilitiesAfter = model.Probabilities(logitsAfter);
        var mapsAfter = explainer.Explain(ModelFor(explainer), images, targets, suite.Seed).to(ScalarType.Float32);
        var (back, valid) = p.ToOriginalFrame(mapsAfter);
        var after = Rows(mapsAfter);
        var warped = Rows(back);
        var validRows = Rows(valid);
        var viewsAfter = PixelSpace.ToImages(images, model.Preprocessing);
        int width = (int)images.shape[3];
        var result = new List<PerturbedMap>();
        for (int r = 0; r < rows.Count; r++)
        {
            var (image, cls, _) = rows[r];
            var mask = validRows[r].Select(v => v > 0.5f).ToArray();
            long predicted = logitsAfter[r].argmax().item<long>();
            result.Add(new PerturbedMap(p.Name, p.Parameters, viewsAfter[r], after[r],
                Score(logitsAfter, probabilitiesAfter, r, predicted),
                probabilitiesBefore[image, cls].item<float>(), probabilitiesAfter[r, cls].item<float>(),
                predicted != probabilitiesBefore[image].argmax().item<long>(),
                MapSimilarity.Spearman(before[r], warped[r], mask), MapSimilarity.Ssim(before[r], warped[r], width, mask),
                MapSimilarity.TopIou(before[r], warped[r], 0.1, mask)));
        }
        return result;
    }

    /// <summary>The network this method runs on: bf16 only where it keeps the method's map (<see cref="ReducedPrecision"/>).</summary>
    ExplainableModel ModelFor(IExplainer explainer) => ReducedPrecision.ModelFor(model, explainer);

    /// <summary>The method's parameters, with <c>precision: fp32</c> where a bf16 model ran it on its float32 twin.</summary>
    IReadOnlyDictionary<string, string> Describe(IExplainer explainer)
    {
        var on = ModelFor(explainer);
        var parameters = explainer.Describe(on);
        return on == model ? parameters : new Dictionary<string, string>(parameters) { ["precision"] = "fp32" };
    }

    internal static float[][] Rows(Tensor maps)
    {
        using var host = maps.to(ScalarType.Float32).cpu().reshape(maps.shape[0], -1);
        var all = host.data<float>().ToArray();
        int plane = (int)host.shape[1];
        return Enumerable.Range(0, (int)host.shape[0]).Select(i => all.AsSpan(i * plane, plane).ToArray()).ToArray();
    }

    ClassScore Score(Tensor logits, Tensor probabilities, int image, long cls) =>
        new(cls, model.ClassName(cls), logits[image, cls].item<float>(), probabilities[image, cls].item<float>());

    List<ClassScore> Top(Tensor logits, Tensor probabilities, int image, int k)
    {
        k = (int)Math.Min(k, logits.shape[1]);
        return logits[image].topk(k).indexes.data<long>().ToArray().Select(c => Score(logits, probabilities, image, c)).ToList();
    }

    T Time<T>(string stage, Func<T> work)
    {
        Cancellation.ThrowIfCancellationRequested();
        var watch = Stopwatch.StartNew();
        var result = work();
        if (model.Device.type == TorchSharp.DeviceType.CUDA) cuda.synchronize();
        _stages[stage] = _stages.GetValueOrDefault(stage) + watch.Elapsed.TotalMilliseconds;
        return result;
    }
}
