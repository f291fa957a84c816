using TorchSharp;
using static TorchSharp.torch;

namespace XaiVision.Engine.Models;

/// <summary>
/// The architectures we build, with torchvision's exact module names so torchvision weights load.
/// Default Grad-CAM layer: the last ReLU of <c>features</c> for VGG (<c>features.29</c> in VGG16,
/// <c>features.42</c> in VGG16-BN), <c>layer4</c> for ResNet.
/// </summary>
public static class ArchitectureRegistry
{
    public const string Demo = "demo-shapes";

    static readonly Dictionary<string, Architecture> All = Build().ToDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyCollection<string> Names => All.Keys;

    public static IEnumerable<Architecture> Architectures => All.Values;

    /// <summary>What a TorchScript model is to the engine: no layers to build or hook, one CAM "layer" (the returned activation), no LRP.</summary>
    public static readonly Architecture TorchScript = new("torchscript", "torchscript",
        _ => throw new XaiVisionException("A TorchScript model is loaded from its file, not built."), TorchScriptNetwork.ActivationLayer, 224, 0, MinInputSize: 8, HeadLayer: "",
        LrpRefusal: "LRP is not offered for TorchScript models: its rules attach to the network's layers, and a script module is compiled code with no "
            + "hooks to attach them to. Load the state dict into a native architecture for LRP, or use the gradient, CAM and black-box methods.");

    /// <summary>Null for a name that asks for recognition from the weights (empty or <c>auto</c>).</summary>
    public static Architecture? GetOrRecognise(string? name) => string.IsNullOrWhiteSpace(name) || name.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase) ? null : Get(name);

    public static Architecture Get(string name) =>
        All.TryGetValue(name.Trim(), out var a)
            ? a
            : throw new XaiVisionException($"Unknown architecture '{name}'. Known: {string.Join(", ", All.Keys.Order())}.");

    static IEnumerable<Architecture> Build()
    {
        yield return new(Demo, "vgg", n => new DemoNet(n), DemoNet.LastConvRelu, DemoNet.InputSize, 5, FixedInputSize: DemoNet.InputSize, HeadLayer: "classifier.3");

        var vggs = new (string Name, Func<int, nn.Module<Tensor, Tensor>> Create, int LastRelu)[]
        {
            ("vgg11", n => torchvision.models.vgg11(n), 19),
            ("vgg11_bn", n => torchvision.models.vgg11_bn(n), 27),
            ("vgg13", n => torchvision.models.vgg13(n), 23),
            ("vgg13_bn", n => torchvision.models.vgg13_bn(n), 33),
            ("vgg16", n => torchvision.models.vgg16(n), 29),
            ("vgg16_bn", n => torchvision.models.vgg16_bn(n), 42),
            ("vgg19", n => torchvision.models.vgg19(n), 35),
            ("vgg19_bn", n => torchvision.models.vgg19_bn(n), 51),
        };
        foreach (var v in vggs) yield return new(v.Name, "vgg", v.Create, $"features.{v.LastRelu}", 224, 1000, HeadLayer: "classifier.6");

        var resnets = new (string Name, Func<int, nn.Module<Tensor, Tensor>> Create)[]
        {
            ("resnet18", n => torchvision.models.resnet18(n)),
            ("resnet34", n => torchvision.models.resnet34(n)),
            ("resnet50", n => torchvision.models.resnet50(n)),
            ("resnet101", n => torchvision.models.resnet101(n)),
            ("resnet152", n => torchvision.models.resnet152(n)),
        };
        foreach (var r in resnets) yield return new(r.Name, "resnet", r.Create, "layer4", 224, 1000);

        // MobileNetV2 (torchvision's, exact names): CAM on the last feature block (1280 channels), as pytorch-grad-cam does.
        yield return new("mobilenet_v2", "mobilenet", n => new MobileNetV2(n), "features.18", 224, 1000, HeadLayer: "classifier.1");

        // MobileNetV3: CAM on the last feature block (the 1×1 expansion); LRP refused like EfficientNet (gates, hard-swish).
        const string mobileV3Lrp = "LRP is not offered for MobileNetV3: its squeeze-excitation gates multiply two paths of the network and hard-swish is "
            + "not a ReLU, so the conserving rules here do not apply; use the gradient, CAM or black-box methods.";
        yield return new("mobilenet_v3_small", "mobilenet", n => MobileNetV3.Create("mobilenet_v3_small", n), "features.12", 224, 1000, HeadLayer: "classifier.3", LrpRefusal: mobileV3Lrp);
        yield return new("mobilenet_v3_large", "mobilenet", n => MobileNetV3.Create("mobilenet_v3_large", n), "features.16", 224, 1000, HeadLayer: "classifier.3", LrpRefusal: mobileV3Lrp);

        // ConvNeXt: CAM on the last stage, as pytorch-grad-cam does.
        const string convNextLrp = "LRP is not offered for ConvNeXt: its LayerNorms, GELU activations and layer scales have no conserving rules here; "
            + "use the gradient, CAM or black-box methods.";
        foreach (var name in ConvNeXt.Names)
            yield return new(name, "convnext", n => ConvNeXt.Create(name, n), "features.7", 224, 1000, HeadLayer: "classifier.2", LrpRefusal: convNextLrp,
                FeatureMapFilter: ConvNeXt.IsFeatureMap);

        // ViT: CAM on the last encoder layer's first LayerNorm, over the token grid (as pytorch-grad-cam's ViT example); LRP by lrp:attnlrp only.
        foreach (var (name, patch) in VisionTransformer.PatchSizes)
            yield return new(name, "vit", n => new VisionTransformer(patch, n), "encoder.layers.encoder_layer_11.ln_1", 224, 1000, FixedInputSize: 224,
                HeadLayer: "heads.head", FeatureMapFilter: VisionTransformer.IsFeatureMap, TokensToMap: VisionTransformer.TokenGrid);

        // EfficientNet: CAM on the last feature block (the 1×1 expansion), as pytorch-grad-cam does.
        const string efficientLrp = "LRP is not offered for EfficientNet: its squeeze-excitation gates multiply two paths of the network and its SiLU "
            + "activations are not piecewise linear, so the conserving rules here do not apply; use the gradient, CAM or black-box methods.";
        foreach (var name in EfficientNet.Names)
            yield return new(name, "efficientnet", n => EfficientNet.Create(name, n), "features.8", 224, 1000, HeadLayer: "classifier.1", LrpRefusal: efficientLrp);

        // DenseNet: CAM on features (its output, norm5, is what the final ReLU and pooling see).
        const string denseLrp = "LRP is not offered for DenseNet: its BatchNorm layers follow concatenations, not convolutions, so they cannot be "
            + "merged into a convolution as the LRP canonizers need (Zennit needs a DenseNet-specific canonizer for the same reason); use the gradient or black-box methods.";
        foreach (var name in new[] { "densenet121", "densenet161", "densenet169", "densenet201" })
            yield return new(name, "densenet", n => DenseNet.Create(name, n), "features", 224, 1000, HeadLayer: "classifier", LrpRefusal: denseLrp);
    }
}
