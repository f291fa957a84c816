using XaiVision.Engine.Explainers;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.MetaEvaluation;

/// <summary>
/// Which metrics to trust on this model (MetaQuantus, Hedström et al. 2023): every explainer's maps are scored by every metric on the
/// images, then again under each <see cref="MetaTest"/>, <c>perturbations</c> times each — the model's weights or the inputs
/// perturbed, the maps made again by the perturbed model on the perturbed inputs, and scored by it — and each metric output gets
/// its <see cref="MetaConsistency"/> per perturbation kind. A metric that ranks the methods the same after a harmless nudge and
/// scores them worse after a disruptive one can be read; one that does neither is noise on this model. The perturbations are drawn
/// from the seed; the model's weights are restored exactly after each. Cost: (1 + 4 · perturbations) × the suite on the sample.
/// </summary>
public static class MetaEvaluator
{
    /// <summary>Collects the sample's scores and summarises them: <see cref="Collect"/> then <see cref="Summarise"/>.</summary>
    public static IReadOnlyList<MetaConsistency> Run(ExplainableModel model, IReadOnlyList<IExplainer> explainers, IReadOnlyList<IMetric> metrics,
        Tensor images, Tensor targets, IReadOnlyList<bool[]?> masks, long seed, int perturbations, IReadOnlyList<MetaTest>? tests = null,
        Action<string>? progress = null) =>
        Summarise([Collect(model, explainers, metrics, images, targets, masks, seed, perturbations, tests, progress)]);

    /// <summary>Every explainer's maps scored by every metric, clean and under each test's perturbations (the model restored after each).</summary>
    public static MetaScores Collect(ExplainableModel model, IReadOnlyList<IExplainer> explainers, IReadOnlyList<IMetric> metrics,
        Tensor images, Tensor targets, IReadOnlyList<bool[]?> masks, long seed, int perturbations, IReadOnlyList<MetaTest>? tests = null,
        Action<string>? progress = null)
    {
        tests ??= MetaTest.Defaults;
        var outputs = metrics.SelectMany(m => m.Outputs.Select(o => new MetaOutput(o.Key, m.Name, o.Value == MetricDirection.LowerIsBetter))).ToList();
        var clean = Scores(model, explainers, metrics, images, targets, masks, seed);
        long[] predicted;
        using (no_grad()) using (var p = model.Forward(images).argmax(1).cpu()) predicted = p.data<long>().ToArray();
        var runs = new List<MetaRun>();
        for (int t = 0; t < tests.Count; t++)
        {
            var test = tests[t];
            for (int k = 0; k < perturbations; k++)
            {
                progress?.Invoke($"meta-evaluation: {test.Name} {k + 1}/{perturbations}");
                using var generator = new Generator((ulong)(seed * 1_000_003 + 1000 * t + k));
                var saved = test.OnModel ? PerturbWeights(model, test.Strength, generator) : [];
                try
                {
                    using var scope = NewDisposeScope();
                    var inputs = test.OnModel ? images : PerturbInputs(images, test.Strength, generator);
                    long[] now;
                    using (no_grad()) now = model.Forward(inputs).argmax(1).cpu().data<long>().ToArray();
                    runs.Add(new MetaRun(t, k, predicted.Select((p, i) => test.Resilience == (now[i] == p)).ToArray(),
                        Scores(model, explainers, metrics, inputs, targets, masks, seed)));
                }
                finally
                {
                    Restore(saved);
                }
            }
        }
        return new MetaScores(outputs, explainers.Select(e => e.Name).ToList(), tests, clean, runs);
    }

    /// <summary>
    /// The criteria per output and perturbation kind, over every sample pooled (samples must share their outputs, methods and tests):
    /// IAC from the Wilcoxon test per method and draw over the judged images of all samples, IEC from every judged image's entries.
    /// </summary>
    public static IReadOnlyList<MetaConsistency> Summarise(IReadOnlyList<MetaScores> samples)
    {
        if (samples.Count == 0) return [];
        var (outputs, methods, tests) = (samples[0].Outputs, samples[0].Methods, samples[0].Tests);
        var draws = samples.SelectMany(s => s.Runs.Select(r => (r.Test, r.Draw))).Distinct().ToList();
        var iac = new Dictionary<(string, int), List<double>>();
        var iec = new Dictionary<(string, int), List<double>>();
        foreach (var o in outputs)
        {
            for (int t = 0; t < tests.Count; t++)
            {
                var (iacValues, iecValues) = (iac[(o.Output, t)] = [], iec[(o.Output, t)] = []);
                foreach (var (_, draw) in draws.Where(d => d.Test == t))
                {
                    // The draw's judged images across the samples: (clean, perturbed) per method.
                    var judged = samples.SelectMany(s => s.Runs.Where(r => r.Test == t && r.Draw == draw)
                        .SelectMany(r => Enumerable.Range(0, r.Judged.Length).Where(i => r.Judged[i])
                            .Select(i => methods.Select((_, m) => (Clean: s.Clean[o.Output][m][i], Perturbed: r.Scores[o.Output][m][i])).ToArray()))).ToList();
                    for (int m = 0; m < methods.Count; m++)
                    {
                        var pairs = judged.Select(j => j[m]).Where(p => p.Clean is { } c && double.IsFinite(c) && p.Perturbed is { } q && double.IsFinite(q))
                            .Select(p => (Clean: p.Clean!.Value, Perturbed: p.Perturbed!.Value)).ToList();
                        if (pairs.Count == 0) continue;
                        double p = WilcoxonSignedRank.PValue(pairs.Select(x => x.Clean).ToList(), pairs.Select(x => x.Perturbed).ToList());
                        iacValues.Add(tests[t].Resilience ? p : 1 - p);
                        if (!tests[t].Resilience)
                            iecValues.AddRange(pairs.Select(x => (o.LowerIsBetter ? x.Clean < x.Perturbed : x.Clean > x.Perturbed) ? 1.0 : 0.0));
                    }
                    if (tests[t].Resilience) iecValues.AddRange(judged.SelectMany(RankAgreement));
                }
            }
        }
        double Mean(List<double> values) => values.Count == 0 ? double.NaN : values.Average();
        int images = samples.Sum(s => s.Images);
        return outputs.SelectMany(o => new[] { true, false }.Where(onModel => tests.Any(t => t.OnModel == onModel)).Select(onModel =>
        {
            int resilience = tests.ToList().FindIndex(t => t.OnModel == onModel && t.Resilience);
            int adversary = tests.ToList().FindIndex(t => t.OnModel == onModel && !t.Resilience);
            double Of(Dictionary<(string, int), List<double>> d, int t) => t < 0 ? double.NaN : Mean(d[(o.Output, t)]);
            return MetaConsistency.Of(o.Output, o.Metric, onModel ? "model" : "input", Of(iac, resilience), Of(iac, adversary), Of(iec, resilience),
                Of(iec, adversary), images);
        })).ToList();
    }

    /// <summary>One judged image, (clean, perturbed) per method: 1 for each rank place where the methods' order is unchanged, else 0.</summary>
    static IEnumerable<double> RankAgreement((double? Clean, double? Perturbed)[] methods)
    {
        if (methods.Any(m => m.Clean is not { } c || !double.IsFinite(c) || m.Perturbed is not { } p || !double.IsFinite(p))) yield break;
        var before = Enumerable.Range(0, methods.Length).OrderBy(m => methods[m].Clean).ToList();
        var after = Enumerable.Range(0, methods.Length).OrderBy(m => methods[m].Perturbed).ToList();
        for (int r = 0; r < methods.Length; r++) yield return before[r] == after[r] ? 1 : 0;
    }

    /// <summary>Every output's scores per method and image (NaN where the metric gave none).</summary>
    static Dictionary<string, double?[][]> Scores(ExplainableModel model, IReadOnlyList<IExplainer> explainers, IReadOnlyList<IMetric> metrics,
        Tensor images, Tensor targets, IReadOnlyList<bool[]?> masks, long seed)
    {
        int n = (int)images.shape[0];
        var scores = new Dictionary<string, double?[][]>();
        for (int e = 0; e < explainers.Count; e++)
        {
            using var scope = NewDisposeScope();
            var maps = explainers[e].Explain(model, images, targets, seed);
            foreach (var metric in metrics)
            {
                var results = metric.Evaluate(new MetricContext(model, explainers[e], images, targets, maps, masks, seed));
                foreach (var output in metric.Outputs.Keys)
                {
                    var rows = scores.TryGetValue(output, out var r) ? r : scores[output] = new double?[explainers.Count][];
                    rows[e] = Enumerable.Range(0, n).Select(i => results[i].Values.TryGetValue(output, out var v) && double.IsFinite(v) ? v : (double?)null).ToArray();
                }
            }
        }
        return scores;
    }

    static List<(Tensor Parameter, Tensor Copy)> PerturbWeights(ExplainableModel model, double strength, Generator generator)
    {
        var saved = new List<(Tensor, Tensor)>();
        using var _ = no_grad();
        foreach (var p in model.Network.parameters())
        {
            saved.Add((p, p.detach().clone().DetachFromDisposeScope()));
            using var scope = NewDisposeScope();
            p.mul_((randn(p.shape, generator: generator) * strength + 1).to(p.dtype).to(p.device));
        }
        return saved;
    }

    static void Restore(List<(Tensor Parameter, Tensor Copy)> saved)
    {
        using var _ = no_grad();
        foreach (var (parameter, copy) in saved)
        {
            parameter.copy_(copy);
            copy.Dispose();
        }
    }

    static Tensor PerturbInputs(Tensor images, double strength, Generator generator)
    {
        var noise = (rand(images.shape, generator: generator) * 2 - 1) * strength;
        return (images + noise.to(images.dtype).to(images.device)).clamp(images.min(), images.max());
    }
}
