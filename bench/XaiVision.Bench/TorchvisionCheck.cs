using System.Text.Json;
using XaiVision.Engine.Models;
using XaiVision.Engine.Models.Weights;
using static TorchSharp.torch;

namespace XaiVision.Bench;

/// <summary>
/// Loads the files tools/torchvision_reference.py wrote (without naming the architecture: it is recognised) and prints how far
/// our logits are from torchvision's on the same weights and input. Exit 1 when any model is off by more than 1e-4 (relative).
/// </summary>
public static class TorchvisionCheck
{
    public static int Run(string directory)
    {
        var expected = JsonSerializer.Deserialize<Dictionary<string, float[]>>(File.ReadAllText(Path.Combine(directory, "logits.json")))!;
        using var input = WeightFile.Read(Path.Combine(directory, "input.pth"));
        Console.WriteLine("| file | recognised as | classes | max \\|ours − torchvision\\| | largest logit |");
        Console.WriteLine("|---|---|---|---|---|");
        bool ok = true;
        foreach (var (name, logits) in expected)
        {
            using var scope = NewDisposeScope();
            using var model = ModelLoader.Load(new ModelSpec("", Path.Combine(directory, $"{name}.pth"), Preprocessing: XaiVision.Engine.Imaging.Preprocessing.ImageNet(224, 256)), CPU);
            using var _ = no_grad();
            var ours = model.Forward(input["x"]).flatten().data<float>().ToArray();
            double diff = ours.Zip(logits, (a, b) => Math.Abs(a - b)).Max(), scale = logits.Max(Math.Abs);
            ok &= diff <= 1e-4 * Math.Max(1, scale);
            Console.WriteLine($"| {name}.pth | {model.Architecture.Name} | {ours.Length / 2} | {diff:G3} | {scale:G3} |");
        }
        return ok ? 0 : 1;
    }
}
