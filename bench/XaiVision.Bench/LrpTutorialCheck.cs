using XaiVision.Engine.Imaging;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;
using static TorchSharp.torch;

namespace XaiVision.Bench;

/// <summary>
/// <c>--lrp-tutorial DIR</c>: our <c>lrp-composite</c> (with and without the recipe's ε on the upper pools) against Montavon
/// et al.'s tutorial code on the same VGG16 weights and input (tools/lrp_tutorial_reference.py writes DIR).
/// </summary>
public static class LrpTutorialCheck
{
    public static int Run(string directory)
    {
        using var model = ModelLoader.Load(new ModelSpec("vgg16", Path.Combine(directory, "vgg16.pth")), CPU);
        var (input, _) = NpyFile.ReadFloat32(File.ReadAllBytes(Path.Combine(directory, "input.npy")));
        var (reference, _) = NpyFile.ReadFloat32(File.ReadAllBytes(Path.Combine(directory, "map.npy")));
        using var x = tensor(input).view(1, 3, 224, 224);
        using var targets = model.Forward(x).argmax(1);
        using var tutorial = tensor(reference).view(1, 224, 224);
        Console.WriteLine("| method | r vs the tutorial code |");
        Console.WriteLine("|---|---|");
        foreach (var method in new[] { "lrp-composite", "lrp-composite(pool-epsilon=none)" })
        {
            using var map = ExplainerCatalog.Create(method).Explain(model, x, targets, 0);
            Console.WriteLine($"| {method} | {MapSimilarity.MeanPearson(map, tutorial):F6} |");
        }
        return 0;
    }
}
