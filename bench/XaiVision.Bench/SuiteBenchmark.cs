using System.Diagnostics;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Suites;
using static TorchSharp.torch;

namespace XaiVision.Bench;

/// <summary>
/// <c>--suite</c>: the cost of a suite of methods against its floor. Floors: a forward; a forward and one backward to the input;
/// a forward and one backward to the CAM layer (the graph starting there); a forward and one backward to both. Then each
/// method alone (its own <see cref="IExplainer.Explain"/>) as a ratio to its floor, the suite as it ran before shared passes
/// (a prediction forward, then every method on its own) and as it runs now (<see cref="SharedPass"/>), both as ratios to the
/// suite's floor, and the LRP composite as a ratio to saliency. Median of --repeats timed calls after a warm-up.
/// </summary>
public static class SuiteBenchmark
{
    public static int Run(BenchOptions o)
    {
        using var model = BenchModel.Load(o);
        int size = model.Preprocessing.InputSize, batch = o.Batches[0];
        var methods = o.Methods.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ExplainerCatalog.Create).ToList();
        using var x = randn(batch, 3, size, size, device: model.Device);
        var layer = methods.OfType<ILayerGradientMethod>().FirstOrDefault()?.LayerOn(model) ?? model.Architecture.DefaultCamLayer;
        long[][] Predicted(Tensor logits) => TargetSelection.Predicted.Choose(logits);
        Tensor targets;
        using (no_grad()) targets = model.Forward(x).argmax(1);
        double Time(Action run)
        {
            run();
            var times = new List<double>();
            for (int r = 0; r < o.Repeats; r++)
            {
                var watch = Stopwatch.StartNew();
                using (var scope = NewDisposeScope()) run();
                times.Add(watch.Elapsed.TotalMilliseconds / batch);
            }
            return times.Order().ElementAt(times.Count / 2);
        }

        var forward = Time(() => { using var _ = no_grad(); model.Forward(x); });
        var toInput = Time(() => Floors.Backward(model, x, targets, null, input: true));
        var toLayer = Time(() => Floors.Backward(model, x, targets, layer, input: false));
        var toBoth = Time(() => Floors.Backward(model, x, targets, layer, input: true));
        Console.WriteLine($"# {model.Description} {size}×{size}, batch {batch}, {model.Device}, {get_num_threads()} threads, {Environment.ProcessorCount} cores; ms per image, median of {o.Repeats}");
        Console.WriteLine("| row | ms/image | floor | × floor |");
        Console.WriteLine("|---|---|---|---|");
        void Row(string name, double ms, string floorName, double floor) => Console.WriteLine($"| {name} | {ms:F0} | {floorName} {floor:F0} | {ms / floor:F2} |");
        Row("forward", forward, "forward", forward);
        Row("forward + backward to the input", toInput, "forward", forward);
        Row($"forward + backward to {layer}", toLayer, "forward", forward);
        Row($"forward + backward to the input and {layer}", toBoth, "forward", forward);
        double before = forward;
        foreach (var method in methods)
        {
            var ms = Time(() => method.Explain(model, x, targets, 0));
            before += ms;
            var (floorName, floor) = method switch
            {
                ILayerGradientMethod => ("fwd + bwd to the layer", toLayer),
                IInputGradientMethod => ("fwd + bwd to the input", toInput),
                _ => ("fwd + bwd to the input", toInput),
            };
            Row(method.Name, ms, floorName, floor);
        }
        var suiteFloor = methods.Any(m => m is IInputGradientMethod) ? toBoth : toLayer;
        Row("suite before (prediction + each method on its own)", before, "suite floor", suiteFloor);
        var shared = methods.Where(m => m is ILayerGradientMethod or IInputGradientMethod).ToList();
        var others = methods.Except(shared).ToList();
        var after = Time(() =>
        {
            var pass = SharedPass.Run(model, x, shared, Predicted);
            foreach (var method in others) method.Explain(model, x, targets, 0);
        });
        Row("suite now (shared pass + the other methods)", after, "suite floor", suiteFloor);
        if (o.Methods.Contains("lrp"))
        {
            var saliency = Time(() => ExplainerCatalog.Create("saliency").Explain(model, x, targets, 0));
            var lrp = Time(() => ExplainerCatalog.Create("lrp-composite").Explain(model, x, targets, 0));
            Row("lrp-composite", lrp, "saliency", saliency);
        }
        return 0;
    }
}
