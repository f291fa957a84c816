using XaiVision.Engine.Imaging;

namespace XaiVision.Engine.Tests.Imaging;

public class PreprocessingTests
{
    static RgbImage Gradient(int width, int height)
    {
        var image = RgbImage.Create(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int o = image.Offset(x, y);
                image.Pixels[o] = (byte)(x % 256);
                image.Pixels[o + 1] = (byte)(y % 256);
                image.Pixels[o + 2] = 77;
            }
        return image;
    }

    [Fact]
    public void Image_at_input_size_is_not_resized()
    {
        var image = Gradient(224, 224);
        Assert.Same(image, ImagePreparer.ToModelView(image, Preprocessing.ImageNet()));
    }

    [Fact]
    public void Shorter_side_goes_to_256_then_centre_224()
    {
        var image = Gradient(512, 300);
        var view = ImagePreparer.ToModelView(image, Preprocessing.ImageNet());
        Assert.Equal((224, 224), (view.Width, view.Height));
        // 512×300 → 436×256 (torchvision: int(256·512/300)); crop left = round((436−224)/2) = 106, top = 16.
        // Resized x = 106 maps back to source x ≈ 106·512/436 ≈ 124.5: the red channel encodes x.
        int red = view.Pixels[view.Offset(0, 0)];
        Assert.InRange(red, 122, 127);
        Assert.Equal(77, view.Pixels[view.Offset(100, 100) + 2]);
    }

    [Fact]
    public void Tensor_is_normalised_per_channel()
    {
        var image = RgbImage.Create(2, 2);
        Array.Fill(image.Pixels, (byte)255);
        using var t = ImagePreparer.ToTensor(image, Preprocessing.ImageNet(2, 2));
        Assert.Equal(new long[] { 3, 2, 2 }, t.shape);
        var values = t.data<float>().ToArray();
        Assert.Equal((1 - 0.485f) / 0.229f, values[0], 1e-5f);
        Assert.Equal((1 - 0.456f) / 0.224f, values[4], 1e-5f);
        Assert.Equal((1 - 0.406f) / 0.225f, values[8], 1e-5f);
    }
}
