using XaiVision.Engine.Explainers;
using XaiVision.Engine.Lrp;

namespace XaiVision.Engine.Suites;

/// <summary>Method names (and aliases) → explainers. Unknown names fail listing the known ones.</summary>
public static class ExplainerCatalog
{
    static readonly Dictionary<string, Func<MethodSpec, IExplainer>> Factories = new()
    {
        ["grad-cam"] = s => new GradCam(s),
        ["grad-cam++"] = s => new GradCamPlusPlus(s),
        ["layer-cam"] = s => new LayerCam(s),
        ["saliency"] = _ => new Saliency(),
        ["input-x-gradient"] = _ => new InputXGradient(),
        ["integrated-gradients"] = s => new IntegratedGradients(s),
        ["smoothgrad"] = s => new SmoothGrad(s),
        ["random"] = _ => new RandomBaseline(),
        ["center"] = s => new CenterBaseline(s),
        ["occlusion"] = s => new Occlusion(s),
        ["rise"] = s => new Rise(s),
    };

    static readonly Dictionary<string, string> Aliases = new()
    {
        ["gradcam"] = "grad-cam",
        ["gradcam++"] = "grad-cam++",
        ["gradcampp"] = "grad-cam++",
        ["layercam"] = "layer-cam",
        ["ixg"] = "input-x-gradient",
        ["inputxgradient"] = "input-x-gradient",
        ["ig"] = "integrated-gradients",
        ["smooth-grad"] = "smoothgrad",
        ["centre"] = "center",
    };

    public static IEnumerable<string> Names => Factories.Keys.Concat(["lrp-epsilon", "lrp-composite", .. Lrp.Composites.CompositePresets.ZennitNames.Select(n => "lrp:" + n)]);

    public static IExplainer Create(MethodSpec spec)
    {
        var name = Aliases.GetValueOrDefault(spec.Name, spec.Name);
        IExplainer explainer;
        if (LrpMethods.Handles(name)) explainer = LrpMethods.Create(spec);
        else if (Factories.TryGetValue(name, out var factory)) explainer = factory(spec);
        else throw new XaiVisionException($"Unknown method '{spec.Name}'. Known: {string.Join(", ", Names)}.");
        spec.EnsureAllUsed();
        return explainer;
    }

    public static IExplainer Create(string text) => Create(MethodSpec.Parse(text));

    /// <param name="defaultLayer">layer for CAM methods whose string names none.</param>
    public static IReadOnlyList<IExplainer> CreateList(string text, string? defaultLayer = null) =>
        MethodSpec.ParseList(text).Select(s => Create(s.WithDefaultLayer(defaultLayer))).ToList();
}
