using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace XaiVision.Engine.Imaging;

/// <summary>NumPy's .npy format (v1.0), float32 little-endian, C order — what <c>np.load</c> reads.</summary>
public static partial class NpyFile
{
    public static byte[] Float32(float[] values, params int[] shape)
    {
        if (shape.Aggregate(1L, (a, b) => a * b) != values.Length)
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) does not hold {values.Length} values.");
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shapeText}, }}";
        int unpadded = 10 + header.Length + 1;
        header += new string(' ', (64 - unpadded % 64) % 64) + "\n";

        var bytes = new byte[10 + header.Length + values.Length * 4];
        bytes[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY").CopyTo(bytes, 1);
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        Encoding.ASCII.GetBytes(header).CopyTo(bytes, 10);
        var body = bytes.AsSpan(10 + header.Length);
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(body[(i * 4)..], values[i]);
        return bytes;
    }

    /// <summary>Reads a float32 C-order .npy (as written above, or by NumPy).</summary>
    public static (float[] Values, int[] Shape) ReadFloat32(byte[] bytes)
    {
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new XaiVisionException("Not a .npy file.");
        int headerLength = bytes[6] == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        int start = bytes[6] == 1 ? 10 : 12;
        var header = Encoding.ASCII.GetString(bytes, start, headerLength);
        if (!header.Contains("'<f4'") || header.Contains("'fortran_order': True"))
            throw new XaiVisionException($"Only float32 C-order .npy is supported, got {header.Trim()}.");
        var shape = ShapePattern().Match(header).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        var body = bytes.AsSpan(start + headerLength);
        var values = new float[body.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(body[(i * 4)..]);
        return (values, shape);
    }

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
