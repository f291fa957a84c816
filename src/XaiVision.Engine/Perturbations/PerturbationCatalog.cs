using XaiVision.Engine.Explainers;

namespace XaiVision.Engine.Perturbations;

/// <summary>Perturbation strings (same grammar as methods): <c>affine(rotate=15)</c>, <c>channel-swap</c>, <c>text(text=DOG)</c>, <c>mask(top=20)</c>…</summary>
public static class PerturbationCatalog
{
    static readonly Catalog<IPerturbation> Table = new("perturbation", new Dictionary<string, Func<MethodSpec, IPerturbation>>
    {
        ["affine"] = s => new Affine(s),
        ["channel-swap"] = s => new ChannelSwap(s),
        ["text"] = s => new TextOverlay(s),
        ["noise"] = s => new GaussianNoise(s),
        ["blur"] = s => new GaussianBlur(s),
        ["jpeg"] = s => new JpegRecompression(s),
        ["occlusion"] = s => new Occlusion(s),
        ["mask"] = s => new MaskRelevant(s),
    }, new Dictionary<string, string> { ["rgb-bgr"] = "channel-swap", ["bgr"] = "channel-swap", ["rotate"] = "affine" });

    public static IEnumerable<string> Names => Table.Names;

    /// <summary>The seed project's three transformations plus masking, as in the closing-note robustness table.</summary>
    public const string SeedSet = "affine(rotate=15,scale=1.1),channel-swap,text(text=XAI),mask(top=20)";

    public static IPerturbation Create(MethodSpec spec) => Table.Create(spec);

    public static IReadOnlyList<IPerturbation> CreateList(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var list = MethodSpec.ParseList(text).Select(Create).ToList();
        var duplicate = list.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new XaiVisionException($"Perturbation '{duplicate.Key}' is given twice; their outputs would collide.");
        return list;
    }
}
