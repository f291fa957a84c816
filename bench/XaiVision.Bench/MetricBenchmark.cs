using System.Diagnostics;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Suites;
using static TorchSharp.torch;

namespace XaiVision.Bench;

/// <summary>
/// Times each metric (metrics separated by ';') on the maps of the first method, per image and as a ratio to one forward pass of the
/// model (Quantus's unit of cost: how many forwards a metric is worth). Each metric runs once untimed first (JIT, caches); every image
/// gets a centred square mask covering a quarter of it, so localisation metrics have something to score.
/// </summary>
public static class MetricBenchmark
{
    public static int Run(BenchOptions o)
    {
        using var model = BenchModel.Load(o);
        var device = model.Device;
        int size = model.Preprocessing.InputSize;
        var explainer = ExplainerCatalog.Create(o.Methods.Split(';')[0]);
        int batch = o.Batches[0];
        using var x = randn(batch, 3, size, size, device: device);
        using var targets = randint(0, model.Architecture.DefaultNumClasses, [batch], device: device);
        using var maps = explainer.Explain(model, x, targets, 0);
        var square = Enumerable.Range(0, size * size).Select(i => Math.Abs(i / size - size / 2) < size / 4 && Math.Abs(i % size - size / 2) < size / 4).ToArray();
        var masks = Enumerable.Repeat<bool[]?>(square, batch).ToList();
        double forward = MillisecondsPerImage(batch, () => { using var _ = no_grad(); model.Forward(x).Dispose(); });
        Console.WriteLine($"# metrics on {o.Model} {size}×{size}, maps of {explainer.Name}, batch {batch}, {device}, {get_num_threads()} threads; " +
            $"one forward pass: {forward:F2} ms/image");
        Console.WriteLine("| metric | model | ms/image | forwards' worth |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var text in o.Metrics!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var metric = MetricCatalog.Create(MethodSpec.Parse(text));
            double ms = MillisecondsPerImage(batch, () => metric.Evaluate(new MetricContext(model, explainer, x, targets, maps, masks, 0)));
            Console.WriteLine($"| {text} | {o.Model} | {(ms < 1 ? ms.ToString("F3") : ms.ToString("F1"))} | {ms / forward:F2} |");
        }
        return 0;
    }

    /// <summary>The second of two runs (the first warms up), per image.</summary>
    static double MillisecondsPerImage(int batch, Action run)
    {
        using (NewDisposeScope()) run();
        using var scope = NewDisposeScope();
        var watch = Stopwatch.StartNew();
        run();
        return watch.Elapsed.TotalMilliseconds / batch;
    }
}
