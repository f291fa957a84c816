using XaiVision.Engine.Imaging;
using XaiVision.Engine.Tests.Support;

namespace XaiVision.Engine.Tests.Imaging;

/// <summary>Fixtures from tools/make_image_fixtures.py: 6×4, red top-left pixel, blue bottom-right, green elsewhere.</summary>
public class ImageDecoderTests
{
    static RgbImage Decode(string name) => ImageDecoder.DecodeFile(Fixtures.Path("images", name));

    static (int R, int G, int B) Pixel(RgbImage image, int x, int y)
    {
        int o = image.Offset(x, y);
        return (image.Pixels[o], image.Pixels[o + 1], image.Pixels[o + 2]);
    }

    static void AssertClose((int R, int G, int B) actual, (int R, int G, int B) expected, int tolerance)
    {
        Assert.InRange(actual.R, expected.R - tolerance, expected.R + tolerance);
        Assert.InRange(actual.G, expected.G - tolerance, expected.G + tolerance);
        Assert.InRange(actual.B, expected.B - tolerance, expected.B + tolerance);
    }

    [Theory]
    [InlineData("rgb.png", 0)]
    [InlineData("rgb.bmp", 0)]
    [InlineData("rgb.webp", 0)]
    [InlineData("anim.gif", 0)]
    [InlineData("alpha.png", 0)]
    [InlineData("rgb.jpg", 40)]
    [InlineData("cmyk.jpg", 40)]
    public void Decodes_formats_to_upright_rgb(string file, int tolerance)
    {
        var image = Decode(file);
        Assert.Equal((6, 4), (image.Width, image.Height));
        AssertClose(Pixel(image, 0, 0), (255, 0, 0), tolerance);
        AssertClose(Pixel(image, 5, 3), (0, 0, 255), tolerance);
        AssertClose(Pixel(image, 2, 2), (0, 128, 0), tolerance);
    }

    [Fact]
    public void Honours_exif_orientation()
    {
        // Orientation 6: stored 6×4, displayed rotated 90° clockwise → 4×6; stored top-left goes to top-right.
        var image = Decode("exif6.jpg");
        Assert.Equal((4, 6), (image.Width, image.Height));
        AssertClose(Pixel(image, 3, 0), (255, 0, 0), 40);
        AssertClose(Pixel(image, 0, 5), (0, 0, 255), 40);
    }

    [Fact]
    public void Grayscale_and_16_bit_become_rgb()
    {
        var gray = Decode("gray.png");
        var (r, g, b) = Pixel(gray, 2, 2);
        Assert.Equal(r, g);
        Assert.Equal(g, b);
        var deep = Decode("gray16.png");
        Assert.Equal((6, 4), (deep.Width, deep.Height));
        var (r16, g16, b16) = Pixel(deep, 1, 1);
        Assert.Equal(r16, g16);
        Assert.InRange(r16, 150, 160); // 40000 / 65535 · 255 ≈ 155.6
        Assert.Equal(g16, b16);
    }

    [Fact]
    public void One_pixel_image_decodes()
    {
        var image = Decode("one-pixel.png");
        Assert.Equal((1, 1), (image.Width, image.Height));
        Assert.Equal((10, 20, 30), Pixel(image, 0, 0));
    }

    [Theory]
    [InlineData("empty.png", "empty")]
    [InlineData("not-an-image.jpg", "not a decodable image")]
    [InlineData("truncated.png", "")]
    [InlineData("bomb.png", "over the limit")]
    [InlineData("missing.png", "does not exist")]
    public void Bad_files_fail_with_a_reason(string file, string reason)
    {
        var error = Assert.Throws<XaiVisionException>(() => Decode(file));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Pixel_limit_is_configurable()
    {
        var limits = new DecodeLimits(MaxPixels: 20);
        var error = Assert.Throws<XaiVisionException>(() => ImageDecoder.DecodeFile(Fixtures.Path("images", "rgb.png"), limits));
        Assert.Contains("6×4 = 24 pixels", error.Message);
    }
}
