using System.Text;
using XaiVision.Engine.Imaging;

namespace XaiVision.Engine.Tests.Imaging;

public class OutputFormatTests
{
    [Fact]
    public void Npy_has_numpy_header_and_round_trips()
    {
        var values = Enumerable.Range(0, 6).Select(i => i * 0.5f - 1).ToArray();
        var bytes = NpyFile.Float32(values, 2, 3);
        Assert.Equal(0x93, bytes[0]);
        Assert.Equal("NUMPY", Encoding.ASCII.GetString(bytes, 1, 5));
        int headerLength = bytes[8] | bytes[9] << 8;
        Assert.Equal(0, (10 + headerLength) % 64);
        var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header);
        Assert.EndsWith("\n", header);
        var (read, shape) = NpyFile.ReadFloat32(bytes);
        Assert.Equal(new[] { 2, 3 }, shape);
        Assert.Equal(values, read);
    }

    [Fact]
    public void Overlay_scaling_follows_the_sign_of_the_map()
    {
        Assert.Equal(HeatmapScaling.MinMax, HeatmapRenderer.ChooseScaling(new float[] { 0, 1, 2 }));
        Assert.Equal(HeatmapScaling.Symmetric, HeatmapRenderer.ChooseScaling(new float[] { -1, 1, 2 }));
        Assert.Equal(new float[] { 0, 0.5f, 1 }, HeatmapRenderer.Scale([2, 3, 4], HeatmapScaling.MinMax));
        Assert.Equal(new float[] { -1f, 0, 1 }, HeatmapRenderer.Scale([-2, 0, 4], HeatmapScaling.Symmetric)); // q = |v| at the 98th percentile = 2
        var spiky = Enumerable.Range(1, 100).Select(i => (float)i).Append(1000f).ToArray();
        Assert.Equal(1f, HeatmapRenderer.Scale(spiky, HeatmapScaling.Symmetric)[^1]); // the outlier is clipped
        Assert.Equal(50f / 99f, HeatmapRenderer.Scale(spiky, HeatmapScaling.Symmetric)[49], 1e-6f);
    }

    [Fact]
    public void Overlay_colours_hot_pixels_differently_from_cold_ones()
    {
        var view = RgbImage.Create(2, 1);
        Array.Fill(view.Pixels, (byte)128);
        var overlay = HeatmapRenderer.Overlay(view, [0f, 1f], HeatmapScaling.MinMax);
        // viridis: low end is dark purple (blue > red), high end yellow (red > blue)
        Assert.True(overlay.Pixels[2] > overlay.Pixels[0]);
        Assert.True(overlay.Pixels[3] > overlay.Pixels[5]);
    }
}
