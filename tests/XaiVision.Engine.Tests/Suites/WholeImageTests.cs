using XaiVision.Engine.Tests.Support;
using XaiVision.Engine.Demo;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Models;
using XaiVision.Engine.Perturbations;
using XaiVision.Engine.Suites;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Suites;

/// <summary>preprocess resize / none: whole images in their own frame, explained by every method, batched by frame shape.</summary>
public class WholeImageTests
{
    /// <summary>A 320×240 grey picture with a red tag near its left border (x 4–19, y 100–115).</summary>
    static RgbImage PictureWithBorderTag()
    {
        var image = RgbImage.Create(320, 240);
        Array.Fill(image.Pixels, (byte)128);
        for (int y = 100; y < 116; y++)
            for (int x = 4; x < 20; x++)
            {
                int o = image.Offset(x, y);
                (image.Pixels[o], image.Pixels[o + 1], image.Pixels[o + 2]) = (255, 0, 0);
            }
        return image;
    }

    static int RedPixels(RgbImage view) =>
        Enumerable.Range(0, view.Width * view.Height).Count(i => view.Pixels[i * 3] > 200 && view.Pixels[i * 3 + 1] < 80);

    [Fact]
    public void A_border_tag_is_inside_the_resize_frame_and_outside_the_crop()
    {
        var picture = PictureWithBorderTag();
        var crop = ImagePreparer.ToModelView(picture, Preprocessing.ImageNet(64, 64));
        var whole = ImagePreparer.ToModelView(picture, Preprocessing.ImageNet(64, 64) with { Mode = PreprocessMode.Resize });
        Assert.Equal((64, 64), (crop.Width, crop.Height));
        Assert.Equal((85, 64), (whole.Width, whole.Height)); // 320·64/240 = 85.3
        Assert.Equal(0, RedPixels(crop)); // 85 wide, centre 64 from x = 10 on: the tag (x ≈ 1–5) is cut off
        Assert.InRange(RedPixels(whole), 9, 30); // ≈ 4×4 of the 16×16 tag, scaled by 64/240
        var native = ImagePreparer.ToModelView(picture, Preprocessing.ImageNet(64, 64) with { Mode = PreprocessMode.None });
        Assert.Same(picture, native);
    }

    [Fact]
    public void Frames_outside_the_limits_are_refused_with_the_reason()
    {
        var picture = PictureWithBorderTag();
        var over = Assert.Throws<XaiVisionException>(() => ImagePreparer.ToModelView(picture, Preprocessing.ImageNet(64, 64) with { Mode = PreprocessMode.None, MaxSide = 256 }));
        Assert.Contains("320×240", over.Message);
        Assert.Contains("256 px", over.Message);
        var under = Assert.Throws<XaiVisionException>(() => ImagePreparer.ToModelView(picture, Preprocessing.ImageNet(64, 64) with { Mode = PreprocessMode.None, MinSide = 400 }));
        Assert.Contains("400 px", under.Message);
    }

    [Fact]
    public void The_demo_model_explains_whole_pictures_of_two_shapes_in_their_own_frames()
    {
        using var model = ModelLoader.Load(DemoAssets.ModelSpec with { Preprocess = PreprocessMode.Resize }, CPU);
        Assert.IsType<ConvolutionalVgg>(model.Network);
        var wide = ImagePreparer.ToModelView(PictureWithBorderTag(), model.Preprocessing);
        var square = ImagePreparer.ToModelView(ImageDecoder.DecodeFile(Directory.GetFiles(DemoAssets.ImagesDirectory, "*.png")[0]), model.Preprocessing);
        string[] methods = ["grad-cam", "saliency", "integrated-gradients(steps=4)", "lrp-composite", "occlusion(size=16,stride=16)"];
        var perturbations = SuiteCompiler.Split(PerturbationCatalog.SeedSet);
        var suite = SuiteCompiler.CompileOrThrow(methods, perturbations, ["deletion(steps=4)"], SuiteCompiler.Paths.Cli, model.Architecture, model.Architecture.DefaultCamLayer)
            .ToSpec(TargetSelection.Parse("predicted"), 0);
        var batch = new AdaptiveSuiteRunner(model, suite).Run(SuiteInputs.Of([wide, square, wide]));
        Assert.Equal(3, batch.Images.Count);
        Assert.Same(square, batch.Images[1].View); // order kept across the frame groups
        foreach (var image in batch.Images)
            foreach (var map in image.Maps)
            {
                Assert.Equal(image.View.Width * image.View.Height, map.Map.Length);
                Assert.True(map.Map.All(float.IsFinite), map.Method);
                Assert.True(map.Metrics.ContainsKey("deletion"), map.Method);
                Assert.Equal(4, map.Perturbed.Count);
                Assert.All(map.Perturbed, p => Assert.Equal((image.View.Width, image.View.Height), (p.View.Width, p.View.Height)));
            }
        // Same picture, same frame, same batch group: the same maps.
        Assert.Equal(batch.Images[0].Maps[0].Map, batch.Images[2].Maps[0].Map);
        Assert.True(batch.Images[0].Maps.Single(m => m.Method == "grad-cam").Map.Max() > 0);
    }
}
