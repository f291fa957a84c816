using System.Diagnostics;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;
using static TorchSharp.torch;

namespace XaiVision.Bench;

/// <summary>
/// Times explainers on random-weight models with random inputs (the cost does not depend on the
/// values). Methods are separated by ';' so their parameters may hold commas. Each cell: one
/// warm-up call, then the median of --repeats timed calls. With <c>--precision tf32|bf16</c> every cell also reports
/// the Pearson correlation of its maps with fp32 maps of the same inputs and weights (the accuracy check that must
/// accompany any reduced-precision speed-up). bf16 is the worker's own <see cref="ModelPrecision.BFloat16"/>: the network in
/// bfloat16, inputs, logits and maps in float32 (TorchSharp 0.107 has no autocast).
/// </summary>
public static class ExplainerBenchmark
{
    public static int Run(BenchOptions o)
    {
        using var model = BenchModel.Load(o);
        using var reduced = o.Precision == "bf16" ? BenchModel.Load(o, ModelPrecision.BFloat16) : null; // same seed, same weights
        var timed = reduced ?? model;
        var device = model.Device;
        int size = model.Preprocessing.InputSize;
        Console.WriteLine($"# {model.Description} {size}×{size}, {o.Precision}, {device}, {get_num_threads()} threads, {Environment.ProcessorCount} cores");
        Console.WriteLine("| method | model | batch | device | precision | images/s | ms/image | Σmap / logit | map r vs fp32 | peak RSS MiB |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var method in o.Methods.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var explainer = ExplainerCatalog.Create(method);
            foreach (var batch in o.Batches)
            {
                using var x = randn(batch, 3, size, size, device: device);
                using var targets = randint(0, model.Architecture.DefaultNumClasses, [batch], device: device);
                using var reference = o.Precision == "fp32" ? null : Precision.Fp32(() => explainer.Explain(model, x, targets, 0).to(ScalarType.Float32));
                var times = new List<double>();
                double ratio = 0, correlation = double.NaN;
                Precision.Apply(o.Precision);
                for (int r = 0; r <= o.Repeats; r++)
                {
                    var watch = Stopwatch.StartNew();
                    using var map = explainer.Explain(timed, x, targets, 0).to(ScalarType.Float32);
                    using var sums = map.sum([1, 2]).cpu();
                    if (r > 0) times.Add(watch.Elapsed.TotalSeconds);
                    ratio = ConservationRatio(model, x, targets, sums);
                    if (reference is not null) correlation = MapSimilarity.MeanPearson(map, reference);
                }
                double median = times.Order().ElementAt(times.Count / 2);
                Console.WriteLine($"| {method} | {o.Model} | {batch} | {device} | {o.Precision} | {batch / median:F2} | {median * 1000 / batch:F0} | {ratio:F6} | " +
                    $"{(double.IsNaN(correlation) ? "–" : correlation.ToString("F5"))} | {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} |");
            }
        }
        return 0;
    }

    /// <summary>Mean over the batch of Σ map / target logit: 1 means relevance is conserved (LRP-0/ε).</summary>
    static double ConservationRatio(ExplainableModel model, Tensor x, Tensor targets, Tensor sums)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var logits = model.Forward(x).gather(1, targets.unsqueeze(1)).squeeze(1).cpu();
        return (sums / logits).mean().item<float>();
    }
}
