namespace XaiVision.Engine.Strategies;

/// <summary>
/// The small form of a map that strategy analysis clusters (SpRAy's "downsampled heatmaps"): the positive relevance averaged over
/// S×S cells of the frame (whatever its size or aspect, so maps of different frames compare cell by cell), scaled to a maximum of 1,
/// stored in the shard record as base64 of half floats (2 S² bytes). Positive part: where the evidence for the class sits; the sign
/// convention of every method (LRP, IG, CAMs) agrees on it. A mask is stored the same way as the object's coverage of each cell (0–255).
/// </summary>
public static class MapThumbnail
{
    public const int DefaultSize = 32;

    /// <summary>The positive part of <paramref name="map"/> (row-major <paramref name="height"/>×<paramref name="width"/>) averaged into size×size cells, max 1.</summary>
    public static float[] Downsample(float[] map, int height, int width, int size)
    {
        var cells = Cells(height, width, size, i => MathF.Max(map[i], 0));
        float max = cells.Max();
        if (max > 0 && float.IsFinite(max)) for (int i = 0; i < cells.Length; i++) cells[i] /= max;
        else Array.Clear(cells);
        return cells;
    }

    /// <summary>The object's share of each cell.</summary>
    public static float[] Coverage(bool[] mask, int height, int width, int size) => Cells(height, width, size, i => mask[i] ? 1 : 0);

    /// <summary>The mean of <paramref name="value"/> (by pixel index) over each of the size×size cells of a height×width frame.</summary>
    static float[] Cells(int height, int width, int size, Func<int, float> value)
    {
        var cells = new float[size * size];
        for (int cy = 0; cy < size; cy++)
        {
            var (y0, y1) = Span(cy, height, size);
            for (int cx = 0; cx < size; cx++)
            {
                var (x0, x1) = Span(cx, width, size);
                double sum = 0;
                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++)
                        sum += value(y * width + x);
                cells[cy * size + cx] = (float)(sum / ((y1 - y0) * (x1 - x0)));
            }
        }
        return cells;
    }

    /// <summary>The source rows (or columns) of cell <paramref name="cell"/>: at least one, so frames smaller than S repeat pixels.</summary>
    static (int Start, int End) Span(int cell, int length, int size)
    {
        int start = (int)((long)cell * length / size);
        int end = (int)((long)(cell + 1) * length / size);
        start = Math.Min(start, length - 1);
        return (start, Math.Max(end, start + 1));
    }

    public static string Encode(float[] cells)
    {
        var bytes = new byte[cells.Length * 2];
        for (int i = 0; i < cells.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(i * 2), (Half)cells[i]);
        return Convert.ToBase64String(bytes);
    }

    public static float[] Decode(string encoded) => ToFloats(DecodeHalves(encoded));

    /// <summary>The stored halves as they are (half the memory of floats: what samples and stored baselines keep).</summary>
    public static Half[] DecodeHalves(string encoded)
    {
        var bytes = Convert.FromBase64String(encoded);
        var cells = new Half[bytes.Length / 2];
        for (int i = 0; i < cells.Length; i++) cells[i] = BitConverter.ToHalf(bytes, i * 2);
        return cells;
    }

    public static float[] ToFloats(Half[] cells) => Array.ConvertAll(cells, h => (float)h);

    public static string EncodeCoverage(float[] coverage) => Convert.ToBase64String(coverage.Select(c => (byte)Math.Round(Math.Clamp(c, 0, 1) * 255)).ToArray());

    public static float[] DecodeCoverage(string encoded) => CoverageOf(Convert.FromBase64String(encoded));

    /// <summary>Coverage bytes (0–255) as fractions.</summary>
    public static float[] CoverageOf(byte[] bytes) => Array.ConvertAll(bytes, b => b / 255f);

    /// <summary>S from a decoded thumbnail's length (S²); null if it is not a square.</summary>
    public static int? SizeOf(int length)
    {
        int size = (int)Math.Round(Math.Sqrt(length));
        return size * size == length && size > 0 ? size : null;
    }
}
