using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Perturbations;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Perturbations;

public class PerturbationTests
{
    static readonly Preprocessing P = Preprocessing.ImageNet(16, 16);

    static IPerturbation Make(string text) => PerturbationCatalog.Create(MethodSpec.Parse(text));

    static Tensor Pixels(Tensor normalised) => PixelSpace.ToPixels(normalised, P);

    static Tensor Images(int seed = 1)
    {
        random.manual_seed(seed);
        return PixelSpace.ToNormalised(rand(2, 3, 16, 16) * 0.6 + 0.2, P);
    }

    [Fact]
    public void Rotating_90_degrees_is_an_exact_rot90_and_warps_back_exactly()
    {
        using var scope = NewDisposeScope();
        var x = Images();
        var rotated = Make("affine(rotate=90)").Apply(new PerturbationInput(x, P, 0));
        // counter-clockwise on screen: the top row becomes the left column, read bottom to top
        var expected = x.rot90(1, (2, 3));
        Assert.True(rotated.allclose(expected, atol: 1e-5), $"max difference {(rotated - expected).abs().max().item<float>()}");

        var map = rand(2, 16, 16);
        var mapOfRotated = map.rot90(1, (1, 2));
        var (back, valid) = Make("affine(rotate=90)").ToOriginalFrame(mapOfRotated);
        Assert.True(back.allclose(map, atol: 1e-5));
        Assert.Equal(1f, valid.min().item<float>());
    }

    [Fact]
    public void General_affine_warps_maps_back_close_to_the_original_where_valid()
    {
        using var scope = NewDisposeScope();
        var affine = Make("affine(rotate=20,scale=1.2,dx=0.05,flip=true)");
        // a smooth map, moved into the perturbed frame the way the image content moves
        var yy = arange(16).view(-1, 1).expand(16, 16).to(ScalarType.Float32);
        var map = (-(yy - 6).pow(2) / 20).exp().unsqueeze(0).expand(1, 16, 16).contiguous();
        var moved = affine.Apply(new PerturbationInput(map.unsqueeze(1).expand(1, 3, 16, 16).contiguous(), Preprocessing.ImageNet(16, 16) with
        {
            Mean = [0, 0, 0],
            Std = [1, 1, 1],
        }, 0))[.., 0];
        var (back, valid) = affine.ToOriginalFrame(moved);
        var inside = valid.gt(0.5);
        Assert.True(inside.sum().item<long>() > 100);
        var error = (back - map).abs().masked_select(inside).max().item<float>();
        Assert.True(error < 0.15, $"round-trip error {error}");
    }

    [Fact]
    public void Channel_swap_exchanges_red_and_blue_in_pixel_space()
    {
        using var scope = NewDisposeScope();
        var x = Images();
        var swapped = Pixels(Make("channel-swap").Apply(new PerturbationInput(x, P, 0)));
        Assert.True(swapped[.., 0].allclose(Pixels(x)[.., 2], atol: 1e-5));
        Assert.True(swapped[.., 2].allclose(Pixels(x)[.., 0], atol: 1e-5));
        Assert.True(swapped[.., 1].allclose(Pixels(x)[.., 1], atol: 1e-5));
        Assert.Contains("permutation of r, g, b", Assert.Throws<XaiVisionException>(() => Make("channel-swap(order=rrb)")).Message);
    }

    [Fact]
    public void Noise_is_seeded_with_the_asked_spread()
    {
        using var scope = NewDisposeScope();
        var x = PixelSpace.ToNormalised(full(1, 3, 64, 64, 0.5f), P);
        var noise = Make("noise(sigma=0.05)");
        var a = noise.Apply(new PerturbationInput(x, P, 3));
        Assert.True(a.equal(noise.Apply(new PerturbationInput(x, P, 3))).all().item<bool>());
        Assert.False(a.equal(noise.Apply(new PerturbationInput(x, P, 4))).all().item<bool>());
        Assert.Equal(0.05, (Pixels(a) - 0.5).std().item<float>(), 2);
    }

    [Fact]
    public void Blur_keeps_flat_regions_and_smooths_edges()
    {
        using var scope = NewDisposeScope();
        var pixels = zeros(1, 3, 16, 16);
        pixels[.., .., .., 8..] = 1;
        var blurred = Pixels(Make("blur(sigma=1.5)").Apply(new PerturbationInput(PixelSpace.ToNormalised(pixels, P), P, 0)));
        Assert.Equal(0f, blurred[0, 0, 5, 0].item<float>(), 4);
        Assert.Equal(1f, blurred[0, 0, 5, 15].item<float>(), 4);
        var edge = blurred[0, 0, 5, 8].item<float>();
        Assert.InRange(edge, 0.55f, 0.85f);
    }

    [Fact]
    public void Jpeg_changes_pixels_a_little()
    {
        using var scope = NewDisposeScope();
        var x = Images();
        var jpeg = Pixels(Make("jpeg(quality=30)").Apply(new PerturbationInput(x, P, 0)));
        var difference = (jpeg - Pixels(x)).abs().mean().item<float>();
        Assert.InRange(difference, 0.002f, 0.2f);
    }

    [Fact]
    public void Occlusion_fills_exactly_its_patch()
    {
        using var scope = NewDisposeScope();
        var x = Images();
        var occluded = Pixels(Make("occlusion(size=0.25,x=0.5,y=0.5,value=0.5)").Apply(new PerturbationInput(x, P, 0)));
        Assert.True(occluded[.., .., 6..10, 6..10].allclose(full(2, 3, 4, 4, 0.5f), atol: 1e-5));
        var changed = (occluded - Pixels(x)).abs().gt(1e-5).sum().item<long>();
        Assert.True(changed <= 2 * 3 * 16);
        Assert.True(occluded[.., .., ..6].allclose(Pixels(x)[.., .., ..6], atol: 1e-5));
    }

    [Theory]
    [InlineData("mask(top=25,substrate=mean)", true)]
    [InlineData("mask(bottom=25,substrate=mean)", false)]
    public void Masking_replaces_the_chosen_share_of_pixels(string text, bool top)
    {
        using var scope = NewDisposeScope();
        var x = Images();
        var maps = arange(256, dtype: ScalarType.Float32).view(1, 16, 16).expand(2, 16, 16).contiguous();
        var masked = Make(text).Apply(new PerturbationInput(x, P, 0, maps));
        var changed = (masked - x).abs().gt(1e-6).any(1); // [2,16,16]
        Assert.Equal(2 * 64, changed.sum().item<long>());
        // the map grows with the pixel index: top = the last 64 pixels, bottom = the first 64
        var region = top ? changed.view(2, 256)[.., 192..] : changed.view(2, 256)[.., ..64];
        Assert.True(region.all().item<bool>());
        Assert.Throws<XaiVisionException>(() => Make("mask(top=10,bottom=10)"));
    }

    [Fact]
    public void Text_draws_where_it_is_told()
    {
        using var scope = NewDisposeScope();
        var pixels = zeros(1, 3, 64, 64);
        var x = PixelSpace.ToNormalised(pixels, Preprocessing.ImageNet(64, 64));
        var drawn = PixelSpace.ToPixels(Make("text(text=XAI,size=0.3,x=0.05,y=0.95,colour=ffffff)")
            .Apply(new PerturbationInput(x, Preprocessing.ImageNet(64, 64), 0)), Preprocessing.ImageNet(64, 64));
        var bright = drawn[0, 0].gt(0.5);
        Assert.True(bright[40.., ..40].sum().item<long>() > 30, "text pixels in the bottom-left");
        Assert.Equal(0, bright[..30, 40..].sum().item<long>());
    }

    [Fact]
    public void Catalog_names_mistakes()
    {
        Assert.Contains("Unknown perturbation 'warp'", Assert.Throws<XaiVisionException>(() => PerturbationCatalog.CreateList("warp")).Message);
        Assert.Contains("given twice", Assert.Throws<XaiVisionException>(() => PerturbationCatalog.CreateList("noise,noise(sigma=0.1)")).Message);
        Assert.Contains("has no parameter 'angle'", Assert.Throws<XaiVisionException>(() => PerturbationCatalog.CreateList("affine(angle=3)")).Message);
        Assert.Equal(4, PerturbationCatalog.CreateList(PerturbationCatalog.SeedSet).Count);
    }
}
