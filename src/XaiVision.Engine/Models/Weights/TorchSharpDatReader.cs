using static TorchSharp.torch;

namespace XaiVision.Engine.Models.Weights;

/// <summary>
/// Reads TorchSharp's own <c>module.save</c> format: a LEB128 entry count, then per entry the
/// name (a .NET string) and the tensor (LEB128 element type, rank, each dimension, raw bytes).
/// </summary>
public static class TorchSharpDatReader
{
    public static StateDict Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        return StateDict.Read(path, result =>
        {
            long count = Decode(reader);
            if (count < 0 || count > 1_000_000) throw new XaiVisionException($"Weight file '{path}' is not a TorchSharp .dat file.");
            for (long i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var dtype = (ScalarType)Decode(reader);
                long rank = Decode(reader);
                if (rank is < 0 or > 16) throw new XaiVisionException($"Weight file '{path}' is not a TorchSharp .dat file (rank {rank}).");
                var shape = new long[rank];
                for (int d = 0; d < rank; d++) shape[d] = Decode(reader);
                long bytes = checked(shape.Aggregate(1L, (a, b) => a * b) * StateDict.ElementSize(dtype));
                if (bytes > stream.Length - stream.Position) throw new XaiVisionException($"Weight file '{path}' is truncated at '{name}'.");
                result.Add(name, StateDict.FromBytes(reader.ReadBytes((int)bytes), dtype, shape));
            }
        }, e => e is EndOfStreamException ? $"Weight file '{path}' is truncated." : null);
    }

    static long Decode(BinaryReader reader)
    {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = reader.ReadByte();
            value |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new XaiVisionException("Malformed TorchSharp weight file: an integer is too long.");
    }
}
