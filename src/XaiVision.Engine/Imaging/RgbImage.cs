namespace XaiVision.Engine.Imaging;

/// <summary>8-bit RGB pixels, row-major, interleaved (R,G,B per pixel).</summary>
public sealed record RgbImage(int Width, int Height, byte[] Pixels)
{
    public static RgbImage Create(int width, int height) => new(width, height, new byte[checked(width * height * 3)]);

    public int Offset(int x, int y) => (y * Width + x) * 3;
}
