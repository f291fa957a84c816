using XaiVision.Engine.Explainers;
using XaiVision.Engine.Models;
using XaiVision.Engine.Native;
using static TorchSharp.torch;

namespace XaiVision.Engine.Suites;

/// <summary>
/// One forward for the prediction and every method that reads a layer's gradient (<see cref="ILayerGradientMethod"/>: the
/// CAM family) or the input gradient (<see cref="IInputGradientMethod"/>: saliency, input × gradient), and one backward per
/// target rank that yields all those gradients at once (<c>autograd.grad</c> with every CAM layer's output and the input
/// as sources). Grad-CAM, Grad-CAM++, LayerCAM, saliency and input × gradient thus cost one forward and one backward
/// together instead of five of each plus a prediction forward. Each method still combines its own inputs (its one
/// overridden step); the maps equal the methods' own <see cref="IExplainer.Explain"/> (tests).
/// Without input-gradient methods the graph starts at the lowest hooked layer (its output is made a leaf), as a CAM
/// method alone does. Targets are chosen from the shared forward's logits; with several per image (top-k) each rank is
/// one more backward through the same graph.
/// </summary>
public static class SharedPass
{
    /// <summary>The logits, the chosen targets per image, and per shared method its maps in rows (image-major, rank-minor).</summary>
    public sealed record Result(Tensor Logits, TargetRows Rows, IReadOnlyDictionary<IExplainer, Tensor> Maps)
    {
        public long[][] Targets => Rows.Targets;
    }

    public static bool Applies(ExplainableModel model, IEnumerable<IExplainer> explainers) =>
        model.Network is not TorchScriptNetwork && explainers.Any(Shares);

    /// <summary>Whether the pass computes this method's map.</summary>
    public static bool Shares(IExplainer explainer) => explainer is ILayerGradientMethod or IMultiLayerGradientMethod or IInputGradientMethod;

    public static Result Run(ExplainableModel model, Tensor images, IReadOnlyList<IExplainer> explainers, Func<Tensor, long[][]> chooseTargets)
    {
        using var scope = NewDisposeScope();
        var layerMethods = explainers.OfType<ILayerGradientMethod>().ToList();
        var inputMethods = explainers.OfType<IInputGradientMethod>().ToList();
        var multiLayerMethods = explainers.OfType<IMultiLayerGradientMethod>().ToList();
        var layers = layerMethods.Select(m => m.LayerOn(model)).Concat(multiLayerMethods.SelectMany(m => m.LayersOn(model))).Distinct().ToList();
        var captured = new Dictionary<string, Tensor>();
        bool graphStarted = inputMethods.Count > 0;
        var hooks = layers.Select(name => model.FeatureMapLayer(name).register_forward_hook((_, _, output) =>
        {
            // The lowest hooked layer starts the graph when the input need not; the others stay in it. Sequential disposes
            // what flows through it: keep our own handle, and pass on a copy, so an in-place activation after the layer (VGG's
            // ReLUs after a convolution) changes neither the tensor whose gradient we read nor a leaf.
            var kept = graphStarted ? output.alias() : output.detach().requires_grad_(true);
            graphStarted = true;
            if (captured.Remove(name, out var previous)) previous.Dispose();
            captured[name] = kept.DetachFromDisposeScope();
            return kept.clone();
        })).ToList();
        try
        {
            using var grad = enable_grad();
            var x = inputMethods.Count > 0 ? images.detach().requires_grad_(true) : images;
            var logits = model.Forward(x);
            // Unhooked before any method runs: one that makes forwards of its own (Score-CAM) must not replace what was captured.
            foreach (var hook in hooks) hook.remove();
            hooks.Clear();
            foreach (var name in layers)
                if (!captured.ContainsKey(name)) throw new XaiVisionException($"Layer '{name}' was not used by the forward pass.");
            var targets = new TargetRows(chooseTargets(logits.detach()));
            var sources = layers.Select(n => captured[n]).Concat(inputMethods.Count > 0 ? [x] : []).ToList();
            int ranks = targets.Ranks;
            var parts = new Dictionary<IExplainer, List<Tensor>>();
            for (int rank = 0; rank < ranks; rank++)
            {
                var rows = targets.ImagesAt(rank);
                var index = tensor(rows.Select(i => (long)i).ToArray(), device: images.device);
                var classes = tensor(rows.Select(i => targets.Targets[i][rank]).ToArray(), device: images.device);
                bool all = rows.Length == targets.Targets.Length;
                var score = (all ? logits : logits.index_select(0, index)).gather(1, classes.unsqueeze(1)).sum();
                var gradients = Backward.Grad([score], sources, retainGraph: rank < ranks - 1);
                Tensor Rows(Tensor t) => all ? t : t.index_select(0, index);
                var rowImages = Rows(images);
                for (int l = 0; l < layers.Count; l++)
                    foreach (var method in layerMethods.Where(m => m.LayerOn(model) == layers[l]))
                        Add(parts, method, method.FromLayer(model, Rows(captured[layers[l]].detach()), Rows(gradients[l]), rowImages, classes));
                foreach (var method in multiLayerMethods)
                {
                    var at = method.LayersOn(model).Select(name => layers.IndexOf(name)).ToList();
                    Add(parts, method, method.FromLayers(model, at.Select(l => Rows(captured[layers[l]].detach())).ToList(), at.Select(l => Rows(gradients[l])).ToList(), rowImages, classes));
                }
                foreach (var method in inputMethods) Add(parts, method, method.FromInputGradient(rowImages, Rows(gradients[^1])));
            }
            var rowOrder = tensor(targets.FromRankMajor(), device: images.device);
            var maps = parts.ToDictionary(kv => kv.Key, kv =>
            {
                var all = kv.Value.Count == 1 ? kv.Value[0] : cat(kv.Value, 0);
                return (ranks == 1 ? all : all.index_select(0, rowOrder)).to(ScalarType.Float32).MoveToOuterDisposeScope();
            });
            return new Result(logits.detach().MoveToOuterDisposeScope(), targets, maps);
        }
        finally
        {
            foreach (var hook in hooks) hook.remove();
            foreach (var kept in captured.Values) kept.Dispose();
        }
    }

    static void Add(Dictionary<IExplainer, List<Tensor>> parts, IExplainer method, Tensor map)
    {
        if (!parts.TryGetValue(method, out var list)) parts[method] = list = [];
        list.Add(map);
    }
}
