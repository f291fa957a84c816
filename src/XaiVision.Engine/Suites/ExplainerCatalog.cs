using XaiVision.Engine.Explainers;
using XaiVision.Engine.Lrp;
using XaiVision.Engine.Lrp.Concepts;

namespace XaiVision.Engine.Suites;

/// <summary>Method names (and aliases) → explainers. Unknown names fail listing the known ones.</summary>
public static class ExplainerCatalog
{
    static readonly Catalog<IExplainer> Table = new("method", new Dictionary<string, Func<MethodSpec, IExplainer>>
    {
        ["grad-cam"] = s => new GradCam(s),
        ["grad-cam++"] = s => new GradCamPlusPlus(s),
        ["layer-cam"] = s => new LayerCam(s),
        ["hires-cam"] = s => new HiResCam(s),
        ["xgrad-cam"] = s => new XGradCam(s),
        ["grad-cam-elementwise"] = s => new GradCamElementWise(s),
        ["score-cam"] = s => new ScoreCam(s),
        ["ablation-cam"] = s => new AblationCam(s),
        ["eigen-cam"] = s => new EigenCam(s),
        ["eigen-grad-cam"] = s => new EigenGradCam(s),
        ["kpca-cam"] = s => new KpcaCam(s),
        ["full-grad"] = _ => new FullGrad(),
        ["saliency"] = _ => new Saliency(),
        ["input-x-gradient"] = _ => new InputXGradient(),
        ["integrated-gradients"] = s => new IntegratedGradients(s),
        ["smoothgrad"] = s => new SmoothGrad(s),
        ["noise-tunnel"] = s => new NoiseTunnel(s),
        ["gradient-shap"] = s => new GradientShap(s),
        ["deep-lift"] = s => new DeepLift(s),
        ["deep-lift-shap"] = s => new DeepLiftShap(s),
        ["guided-backprop"] = _ => new GuidedBackprop(deconvolution: false),
        ["deconvolution"] = _ => new GuidedBackprop(deconvolution: true),
        ["guided-grad-cam"] = s => new GuidedGradCam(s),
        ["feature-ablation"] = s => new FeatureAblation(s),
        ["shapley-value-sampling"] = s => new ShapleyValueSampling(s),
        ["kernel-shap"] = s => new KernelShap(s),
        ["lime"] = s => new Lime(s),
        ["random"] = _ => new RandomBaseline(),
        ["center"] = s => new CenterBaseline(s),
        ["occlusion"] = s => new Occlusion(s),
        ["rise"] = s => new Rise(s),
    }, new Dictionary<string, string>
    {
        ["gradcam"] = "grad-cam",
        ["gradcam++"] = "grad-cam++",
        ["gradcampp"] = "grad-cam++",
        ["layercam"] = "layer-cam",
        ["hirescam"] = "hires-cam",
        ["xgradcam"] = "xgrad-cam",
        ["gradcamelementwise"] = "grad-cam-elementwise",
        ["scorecam"] = "score-cam",
        ["ablationcam"] = "ablation-cam",
        ["eigencam"] = "eigen-cam",
        ["eigengradcam"] = "eigen-grad-cam",
        ["fullgrad"] = "full-grad",
        ["kpcacam"] = "kpca-cam",
        ["ixg"] = "input-x-gradient",
        ["inputxgradient"] = "input-x-gradient",
        ["ig"] = "integrated-gradients",
        ["deeplift"] = "deep-lift",
        ["deepliftshap"] = "deep-lift-shap",
        ["smooth-grad"] = "smoothgrad",
        ["centre"] = "center",
    });

    public static IEnumerable<string> Names => Table.Names.Concat(["lrp-epsilon", "lrp-composite", .. Lrp.Composites.CompositePresets.ZennitNames.Select(n => "lrp:" + n),
        .. TransformerOnly, "crp", .. Lrp.Composites.CompositePresets.ZennitNames.Select(n => "crp:" + n)]);

    /// <summary>Methods for vision transformers only (convolutional networks refuse them with a reason).</summary>
    public static readonly IReadOnlyList<string> TransformerOnly = ["lrp:attnlrp"];

    public static IExplainer Create(MethodSpec spec)
    {
        if (LrpMethods.Handles(Table.Canonical(spec.Name))) return Catalog<IExplainer>.Created(spec, LrpMethods.Create(spec));
        if (CrpExplainer.Handles(spec.Name)) return Catalog<IExplainer>.Created(spec, new CrpExplainer(spec));
        // layers and aug-smooth wrap a CAM method; read only when given, so other methods do not list them as accepted.
        bool augmented = spec.Has("aug-smooth") && spec.Choice("aug-smooth", false, new Dictionary<string, bool> { ["true"] = true, ["false"] = false });
        IExplainer method = spec.Has("layers") ? Fused(spec, spec.String("layers")!) : Table.Create(spec, Names);
        if (!augmented) return method;
        return method is CamExplainer or FusedCam
            ? new AugmentedCam(method)
            : throw new XaiVisionException($"Method '{spec.Text}': only CAM methods take aug-smooth; {spec.Name} is not one.");
    }

    /// <summary>A CAM method at several layers (<c>layers=a+b</c>), fused (<see cref="FusedCam"/>).</summary>
    static FusedCam Fused(MethodSpec spec, string layers)
    {
        var names = layers.Split('+', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (spec.String("layer") is not null)
            throw new XaiVisionException($"Method '{spec.Text}': give layer (one) or layers (several, joined by '+'), not both.");
        if (names.Length < 2 || names.Distinct().Count() != names.Length)
            throw new XaiVisionException($"Method '{spec.Text}': layers must name two or more different layers joined by '+', e.g. layers=layer3+layer4.");
        if (Table.Create(MethodSpec.Parse(spec.Name), Names) is not CamExplainer)
            throw new XaiVisionException($"Method '{spec.Text}': only CAM methods take layers; {spec.Name} reads no layer.");
        var perLayer = names.Select(name => Table.Create(spec.AtLayer(name), Names)).ToList();
        spec.EnsureAllUsed();
        return new FusedCam(perLayer.Cast<CamExplainer>().ToList());
    }

    public static IExplainer Create(string text) => Create(MethodSpec.Parse(text));

    /// <param name="defaultLayer">layer for CAM methods whose string names none.</param>
    public static IReadOnlyList<IExplainer> CreateList(string text, string? defaultLayer = null) =>
        MethodSpec.ParseList(text).Select(s => Create(s.WithDefaultLayer(defaultLayer))).ToList();
}
