using TorchSharp.Modules;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Cascading model-parameter randomisation test (Adebayo et al., NeurIPS 2018): re-initialise the
/// convolution and linear layers from the top (output) down, one more at each stage (weights drawn
/// from N(0, σ²) with the layer's own σ, biases zero; seeded), explain again, and compare each
/// stage's map with the original (Spearman, SSIM). A sane explainer's similarity falls. Values:
/// <c>mprt-spearman</c>/<c>mprt-ssim</c> after the last stage (everything randomised; lower is better), and both
/// as curves over the stages (named <c>k:layer</c>). The model's parameters are restored exactly afterwards.
/// </summary>
public sealed class Randomisation : IMetric
{
    public string Name => "randomisation";
    public MetricCategory Category => MetricCategory.Randomisation;
    public string Definition => "How far the map moves from the trained model's as its layers are randomised, top first (Adebayo et al. 2018).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection>
    {
        ["mprt-spearman"] = MetricDirection.LowerIsBetter,
        ["mprt-ssim"] = MetricDirection.LowerIsBetter,
    };
    public IReadOnlyDictionary<string, CurveAxis> Curves => new Dictionary<string, CurveAxis>
    {
        ["mprt-spearman"] = new("mprt-spearman: Spearman to the original map as layers are re-initialised from the top", -1, 1),
        ["mprt-ssim"] = new("mprt-ssim: SSIM to the original map as layers are re-initialised from the top", -1, 1),
    };

    /// <summary>
    /// The layers re-initialised one after another, top first: conv and linear layers; in a TorchScript model (no layer types to
    /// see) the groups of named parameters that hold a weight matrix or kernel, by the module path in their names.
    /// </summary>
    static List<(string Name, IReadOnlyList<Tensor> Parameters)> Stages(TorchSharp.torch.nn.Module network)
    {
        if (network is TorchScriptNetwork) return Enumerable.Reverse(LayerReset.ScriptLayers(network)).ToList();
        return ModuleTree.Leaves(network).Where(l => l.Module is Conv2d or Linear)
            .Select(l => (l.Name, (IReadOnlyList<Tensor>)l.Module.parameters().Select(p => (Tensor)p).ToList())).Reverse().ToList();
    }

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var outer = NewDisposeScope(); // the draws that re-initialise each layer and the copies read below
        var layers = Stages(c.Model.Network);
        long n = c.Images.shape[0];
        int width = (int)c.Images.shape[3];
        var original = c.Maps.to(ScalarType.Float32).cpu().reshape(n, -1);
        var originalMaps = Enumerable.Range(0, (int)n).Select(i => original[i].data<float>().ToArray()).ToArray();
        var spearmanCurves = Enumerable.Range(0, (int)n).Select(_ => new List<double>()).ToArray();
        var ssimCurves = Enumerable.Range(0, (int)n).Select(_ => new List<double>()).ToArray();
        var saved = new List<(Tensor Parameter, Tensor Copy)>();
        using var generator = new Generator((ulong)c.Seed);
        try
        {
            for (int stage = 0; stage < layers.Count; stage++)
            {
                var (name, parameters) = layers[stage];
                using (no_grad())
                {
                    foreach (var p in parameters)
                    {
                        saved.Add((p, p.detach().clone().DetachFromDisposeScope()));
                        if (p.dim() > 1) p.copy_(randn(p.shape, generator: generator).to(p.dtype).to(p.device) * p.std());
                        else p.zero_();
                    }
                }
                using var scope = NewDisposeScope();
                var maps = c.Explainer.Explain(c.Model, c.Images, c.Targets, c.Seed).to(ScalarType.Float32).cpu().reshape(n, -1);
                for (int i = 0; i < n; i++)
                {
                    var map = maps[i].data<float>().ToArray();
                    spearmanCurves[i].Add(MapSimilarity.Spearman(originalMaps[i], map));
                    ssimCurves[i].Add(MapSimilarity.Ssim(originalMaps[i], map, width));
                }
            }
        }
        finally
        {
            using (no_grad())
                foreach (var (parameter, copy) in saved)
                {
                    parameter.copy_(copy);
                    copy.Dispose();
                }
            original.Dispose();
        }
        var stages = layers.Select((l, k) => $"{k + 1}:{l.Name}").ToList();
        return Enumerable.Range(0, (int)n).Select(i => spearmanCurves[i].Count == 0 ? MetricResult.Empty : new MetricResult(
            new Dictionary<string, double> { ["mprt-spearman"] = spearmanCurves[i][^1], ["mprt-ssim"] = ssimCurves[i][^1] },
            new Dictionary<string, MetricCurve> { ["mprt-spearman"] = new(spearmanCurves[i], stages), ["mprt-ssim"] = new(ssimCurves[i], stages) })).ToList();
    }
}
