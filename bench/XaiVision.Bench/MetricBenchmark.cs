using System.Diagnostics;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Suites;
using static TorchSharp.torch;

namespace XaiVision.Bench;

/// <summary>Times each metric (metrics separated by ';') on the maps of the first method, per image.</summary>
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
        Console.WriteLine($"# metrics on {o.Model} {size}×{size}, maps of {explainer.Name}, batch {batch}, {device}, {get_num_threads()} threads");
        Console.WriteLine("| metric | model | ms/image |");
        Console.WriteLine("|---|---|---|");
        foreach (var text in o.Metrics!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var metric = MetricCatalog.Create(MethodSpec.Parse(text));
            var watch = Stopwatch.StartNew();
            metric.Evaluate(new MetricContext(model, explainer, x, targets, maps, [], 0));
            Console.WriteLine($"| {text} | {o.Model} | {watch.Elapsed.TotalMilliseconds / batch:F0} |");
        }
        return 0;
    }
}
