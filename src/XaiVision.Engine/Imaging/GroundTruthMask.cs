namespace XaiVision.Engine.Imaging;

/// <summary>Ground-truth masks (8-bit grayscale PNGs, object = 255): decoded, resized and cropped exactly as the image they belong to.</summary>
public static class GroundTruthMask
{
    /// <summary>true = object pixel (brighter than mid-grey); null when the mask marks nothing.</summary>
    public static bool[]? FromEncoded(byte[] bytes, string name, Preprocessing preprocessing, DecodeLimits? limits = null) =>
        FromImage(ImagePreparer.ToModelView(ImageDecoder.Decode(bytes, name, limits), preprocessing));

    public static bool[]? FromImage(RgbImage view)
    {
        var mask = Enumerable.Range(0, view.Width * view.Height).Select(i => view.Pixels[i * 3] > 127).ToArray();
        return mask.Any(m => m) ? mask : null;
    }
}
