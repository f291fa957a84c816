using XaiVision.Engine.Models;
using XaiVision.Engine.Native;
using static TorchSharp.torch;

namespace XaiVision.Bench;

/// <summary>The model every benchmark runs on: threads set, seeded random weights (the demo net keeps its trained ones), on the asked device.</summary>
public static class BenchModel
{
    public static ExplainableModel Load(BenchOptions o, ModelPrecision precision = ModelPrecision.Float32)
    {
        if (o.Threads > 0) set_num_threads(o.Threads);
        var device = TorchRuntime.ResolveDevice(o.Device);
        random.manual_seed(0);
        var spec = o.Model == ArchitectureRegistry.Demo ? XaiVision.Engine.Demo.DemoAssets.ModelSpec : new ModelSpec(o.Model, null);
        return ModelLoader.Load(spec with { Precision = precision }, device);
    }
}
