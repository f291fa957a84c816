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
    public static IReadOnlyList<MetaConsistency> Run(ExplainableModel model, IReadOnlyList<IExplainer> explainers, IReadOnlyList<IMetric> metrics,
        Tensor images, Tensor targets, IReadOnlyList<bool[]?> masks, long seed, int perturbations, IReadOnlyList<MetaTest>? tests = null,
        Action<string>? progress = null)
    {
        tests ??= MetaTest.Defaults;
        var outputs = metrics.SelectMany(m => m.Outputs.Select(o => (Metric: m.Name, Output: o.Key, Lower: o.Value == MetricDirection.LowerIsBetter))).ToList();
        var clean = Scores(model, explainers, metrics, images, targets, masks, seed);
        long[] predicted;
        using (no_grad()) using (var p = model.Forward(images).argmax(1).cpu()) predicted = p.data<long>().ToArray();
        // Per test, per output: the IAC values (one per method and perturbation) and the IEC agreement entries.
        var iac = tests.ToDictionary(t => t, _ => outputs.ToDictionary(o => o.Output, _ => new List<double>()));
        var iec = tests.ToDictionary(t => t, _ => outputs.ToDictionary(o => o.Output, _ => new List<double>()));
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
                    var judged = predicted.Select((p, i) => test.Resilience == (now[i] == p)).ToArray();
                    var perturbed = Scores(model, explainers, metrics, inputs, targets, masks, seed);
                    foreach (var (_, output, lower) in outputs)
                    {
                        var (q, qHat) = (clean[output], perturbed[output]);
                        foreach (var method in q.Keys)
                        {
                            var pairs = Enumerable.Range(0, judged.Length).Where(i => judged[i] && double.IsFinite(q[method][i]) && double.IsFinite(qHat[method][i])).ToList();
                            if (pairs.Count == 0) continue;
                            double p = WilcoxonSignedRank.PValue(pairs.Select(i => q[method][i]).ToList(), pairs.Select(i => qHat[method][i]).ToList());
                            iac[test][output].Add(test.Resilience ? p : 1 - p);
                            if (!test.Resilience) iec[test][output].AddRange(pairs.Select(i => (lower ? q[method][i] < qHat[method][i] : q[method][i] > qHat[method][i]) ? 1.0 : 0.0));
                        }
                        if (test.Resilience) iec[test][output].AddRange(RankAgreement(q, qHat, judged));
                    }
                }
                finally
                {
                    Restore(saved);
                }
            }
        }
        double Mean(List<double> values) => values.Count == 0 ? double.NaN : values.Average();
        return outputs.SelectMany(o => new[] { true, false }.Select(onModel =>
        {
            var resilience = tests.First(t => t.OnModel == onModel && t.Resilience);
            var adversary = tests.First(t => t.OnModel == onModel && !t.Resilience);
            return new MetaConsistency(o.Output, o.Metric, onModel ? "model" : "input", Mean(iac[resilience][o.Output]), Mean(iac[adversary][o.Output]),
                Mean(iec[resilience][o.Output]), Mean(iec[adversary][o.Output]), (int)images.shape[0]);
        })).ToList();
    }

    /// <summary>Per judged image scored by every method: 1 for each rank place where the methods' order is unchanged, else 0.</summary>
    static IEnumerable<double> RankAgreement(Dictionary<string, double[]> q, Dictionary<string, double[]> qHat, bool[] judged)
    {
        var methods = q.Keys.ToList();
        for (int i = 0; i < judged.Length; i++)
        {
            if (!judged[i] || methods.Any(m => !double.IsFinite(q[m][i]) || !double.IsFinite(qHat[m][i]))) continue;
            var before = methods.OrderBy(m => q[m][i]).ToList();
            var after = methods.OrderBy(m => qHat[m][i]).ToList();
            for (int r = 0; r < methods.Count; r++) yield return before[r] == after[r] ? 1 : 0;
        }
    }

    /// <summary>Every output's scores per method and image (NaN where the metric gave none).</summary>
    static Dictionary<string, Dictionary<string, double[]>> Scores(ExplainableModel model, IReadOnlyList<IExplainer> explainers, IReadOnlyList<IMetric> metrics,
        Tensor images, Tensor targets, IReadOnlyList<bool[]?> masks, long seed)
    {
        int n = (int)images.shape[0];
        var scores = new Dictionary<string, Dictionary<string, double[]>>();
        foreach (var explainer in explainers)
        {
            using var scope = NewDisposeScope();
            var maps = explainer.Explain(model, images, targets, seed);
            foreach (var metric in metrics)
            {
                var results = metric.Evaluate(new MetricContext(model, explainer, images, targets, maps, masks, seed));
                foreach (var output in metric.Outputs.Keys)
                {
                    var row = scores.TryGetValue(output, out var r) ? r : scores[output] = [];
                    row[explainer.Name] = Enumerable.Range(0, n).Select(i => results[i].Values.TryGetValue(output, out var v) ? v : double.NaN).ToArray();
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
            using var noise = randn(p.shape, generator: generator);
            p.mul_((noise * strength + 1).to(p.dtype).to(p.device));
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
