using TorchSharp.Modules;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Lrp;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Suites;

/// <summary>
/// Every layer (the seed's "extract all layers for fine-grained inspection"): Grad-CAM and LayerCAM at every convolution block's
/// output, from one shared forward and backward; and for each LRP method of the suite the relevance at the input of every
/// convolution and dense layer, summed over channels and resized to the image (bilinear), with ΣR per layer against the logit —
/// the conservation curve (Montavon et al. 2019, §10.2: Σ_i R_i = … = f(x) for conserving rules).
/// </summary>
public static class LayerSweep
{
    public static readonly IReadOnlyList<string> CamMethods = ["grad-cam", "layer-cam"];

    /// <summary>
    /// The layers the CAM sweep looks at: VGG — the activation that ends each convolution block (before its max-pool: VGG16
    /// features.3, 8, 15, 22, 29); otherwise the feature-map layers beside the default CAM layer (ResNet: conv1 … layer4; MobileNet,
    /// EfficientNet, ConvNeXt: features.0 …) up to it, or inside it when it stands alone (DenseNet's features.*).
    /// </summary>
    public static IReadOnlyList<string> BlockOutputs(ExplainableModel model)
    {
        var featureMaps = model.FeatureMapLayerNames;
        if (model.Architecture.BlocksEndAtMaxPools)
        {
            var leaves = ModuleTree.Leaves(model.Network).Where(l => l.Name.StartsWith("features.", StringComparison.Ordinal)).ToList();
            var ends = leaves.Select((l, i) => (l, i)).Where(x => x.l.Module is MaxPool2d && x.i > 0).Select(x => leaves[x.i - 1].Name).ToList();
            if (ends.Count > 0) return ends;
        }
        var layer = model.Architecture.DefaultCamLayer;
        string Parent(string name) => name.Contains('.') ? name[..name.LastIndexOf('.')] : "";
        var siblings = featureMaps.Where(n => Parent(n) == Parent(layer)).ToList();
        if (siblings.IndexOf(layer) is >= 0 and var last) siblings = siblings[..(last + 1)]; // nothing past the CAM layer (ResNet's avgpool)
        if (siblings.Count > 1) return siblings;
        var children = featureMaps.Where(n => Parent(n) == layer).ToList();
        return children.Count > 1 ? children : featureMaps;
    }

    /// <summary>
    /// Per image, its sweep maps (CAM layers first, then each LRP method's layers, input first), for each image's target and that
    /// target's logit (<paramref name="scores"/>, from the prediction the suite already made).
    /// </summary>
    public static IReadOnlyList<SweepMap>[] Run(ExplainableModel model, Tensor images, long[] targets, double[] scores, IReadOnlyList<IExplainer> suite)
    {
        using var scope = NewDisposeScope();
        int n = (int)images.shape[0], height = (int)images.shape[2], width = (int)images.shape[3];
        var result = Enumerable.Range(0, n).Select(_ => new List<SweepMap>()).ToArray();
        using var classes = tensor(targets, device: images.device);
        var layers = BlockOutputs(model);
        if (layers.Count > 0)
        {
            var cams = CamMethods.SelectMany(method => layers.Select(layer => (Method: method, Layer: layer,
                Explainer: ExplainerCatalog.Create($"{method}(layer={layer})")))).ToList();
            var pass = SharedPass.Run(model, images, cams.Select(c => c.Explainer).ToList(), _ => targets.Select(t => new[] { t }).ToArray());
            foreach (var cam in cams)
            {
                var rows = SuiteRunner.Rows(pass.Maps[cam.Explainer]);
                for (int i = 0; i < n; i++) result[i].Add(new SweepMap(cam.Method, cam.Layer, rows[i]));
            }
        }
        foreach (var lrp in suite.OfType<LrpExplainer>().Where(l => l.Refusal(model.Architecture) is null))
        {
            var (input, perLayer) = lrp.RelevancePerLayer(model, images, classes);
            var all = new List<(string Layer, Tensor Relevance)> { ("input", input) };
            all.AddRange(perLayer.Select(l => (l.Layer, l.Relevance)));
            foreach (var (layer, relevance) in all)
            {
                var sums = relevance.reshape(n, -1).sum(1).to(ScalarType.Float64).cpu().data<double>().ToArray();
                var maps = relevance.dim() == 4 ? SuiteRunner.Rows(ToImage(relevance.sum(1), height, width)) : null;
                for (int i = 0; i < n; i++) result[i].Add(new SweepMap(lrp.Name, layer, maps?[i], sums[i], scores[i]));
            }
        }
        return result;
    }

    static Tensor ToImage(Tensor maps, int height, int width) =>
        maps.shape[1] == height && maps.shape[2] == width ? maps
            : nn.functional.interpolate(maps.unsqueeze(1), [height, width], mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1);
}
