using System.Text.Json;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Suites;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Cli;

/// <summary><c>explain --preprocess resize --layer-sweep</c>: an uncropped 4:3 photo, every method, every layer, the seed's figures.</summary>
public class WholeImageCommandTests(ITestOutputHelper log)
{
    static readonly Dictionary<string, string> Cheap = new()
    {
        ["integrated-gradients"] = "integrated-gradients(steps=4)",
        ["smoothgrad"] = "smoothgrad(samples=3)",
        ["occlusion"] = "occlusion(size=16)",
        ["rise"] = "rise(masks=16)",
        ["noise-tunnel"] = "noise-tunnel(samples=2)",
        ["gradient-shap"] = "gradient-shap(samples=2)",
        ["deep-lift-shap"] = "deep-lift-shap(samples=2)",
        ["shapley-value-sampling"] = "shapley-value-sampling(samples=2,segments=16)",
        ["kernel-shap"] = "kernel-shap(samples=6,segments=16)",
        ["lime"] = "lime(samples=6,segments=16)",
        ["kpca-cam"] = "kpca-cam(layer=features.10)", // the last layer's 80×60 positions are more than its kernel allows
    };

    /// <summary>A 320×240 photo: a disc in the middle, a red tag at the left border (outside a centre crop).</summary>
    static string Photo(string directory)
    {
        var image = RgbImage.Create(320, 240);
        for (int y = 0; y < 240; y++)
            for (int x = 0; x < 320; x++)
            {
                int o = image.Offset(x, y);
                bool disc = (x - 160) * (x - 160) + (y - 120) * (y - 120) < 60 * 60, tag = x is >= 4 and < 20 && y is >= 100 and < 116;
                (image.Pixels[o], image.Pixels[o + 1], image.Pixels[o + 2]) = tag ? ((byte)255, (byte)0, (byte)0) : disc ? ((byte)230, (byte)60, (byte)220) : ((byte)120, (byte)130, (byte)140);
            }
        var path = Path.Combine(directory, "photo43.png");
        File.WriteAllBytes(path, ImageEncoding.Png(image));
        return path;
    }

    [Fact]
    public void An_uncropped_4_3_photo_is_explained_by_every_method_at_every_layer()
    {
        var input = Directory.CreateTempSubdirectory("xaivision-photo-").FullName;
        var output = Directory.CreateTempSubdirectory("xaivision-cli-").FullName;
        var convolutional = ExplainerCatalog.Names.Except(ExplainerCatalog.TransformerOnly).ToList();
        var methods = string.Join(",", convolutional.Select(n => Cheap.GetValueOrDefault(n, n)));
        var result = CliRunner.Run("explain", "--preprocess", "resize", "--layer-sweep", "--methods", methods, "--perturb", "channel-swap,mask(top=20)",
            "--metrics", "deletion(steps=4)", "--out", output, Photo(input));
        log.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("as convolutions", result.Output);
        var image = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json"))).RootElement.GetProperty("images")[0];
        Assert.Equal((85, 64), (image.GetProperty("width").GetInt32(), image.GetProperty("height").GetInt32())); // the whole photo, shorter side 64
        Assert.Equal(convolutional.Count, image.GetProperty("explanations").GetArrayLength());
        var folder = Path.Combine(output, "photo43");
        foreach (var figure in new[] { "figure.png", "perturbations.png", "masking.png", "sweep.png", "input.png" })
            Assert.True(new FileInfo(Path.Combine(folder, figure)).Length > 1000, figure);
        var sweep = image.GetProperty("layerSweep");
        var layers = sweep.GetProperty("layers").EnumerateArray().Select(l => (Method: l.GetProperty("method").GetString(), Layer: l.GetProperty("layer").GetString())).ToList();
        Assert.Equal(["features.1", "features.4", "features.9"], layers.Where(l => l.Method == "grad-cam").Select(l => l.Layer)); // each block's last ReLU
        Assert.Contains(("lrp-composite", "classifier.0"), layers); // the conv-form dense layers too
        var raw = File.ReadAllBytes(Path.Combine(folder, "sweep", "lrp-composite.npy"));
        Assert.Contains("'shape': (6, 64, 85)", System.Text.Encoding.ASCII.GetString(raw, 0, 128)); // input, 3 convolutions, 2 conv-form dense layers
        var html = File.ReadAllText(Path.Combine(output, "report.html"));
        Assert.Contains("id=\"through-the-network\"", html);
        Assert.Contains("photo43/figure.png", html);
    }
}
