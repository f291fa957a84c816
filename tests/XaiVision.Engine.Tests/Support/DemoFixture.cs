using XaiVision.Engine.Demo;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Support;

/// <summary>The bundled demo model and images, loaded once per test class.</summary>
public sealed class DemoFixture : IDisposable
{
    public DemoFixture()
    {
        Model = ModelLoader.Load(DemoAssets.ModelSpec, CPU);
        var csv = File.ReadAllLines(Path.Combine(DemoAssets.ImagesDirectory, "labels.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Images = csv.Select(c => Path.Combine(DemoAssets.ImagesDirectory, c[0])).ToList();
        Labels = csv.Select(c => int.Parse(c[1])).ToList();
        Masks = csv.Select(c =>
        {
            var mask = ImageDecoder.DecodeFile(Path.Combine(DemoAssets.MasksDirectory, c[0]));
            return Enumerable.Range(0, mask.Width * mask.Height).Select(i => mask.Pixels[i * 3] > 127).ToArray();
        }).ToList();
    }

    public ExplainableModel Model { get; }
    public IReadOnlyList<string> Images { get; }
    public IReadOnlyList<int> Labels { get; }
    public IReadOnlyList<bool[]> Masks { get; }

    public void Dispose() => Model.Dispose();
}
