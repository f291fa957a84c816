using System.Buffers.Binary;
using System.Text.Json;
using static TorchSharp.torch;

namespace XaiVision.Engine.Models.Weights;

/// <summary>Reads <c>.safetensors</c>: an 8-byte little-endian header length, a JSON header, raw data.</summary>
public static class SafetensorsReader
{
    static readonly Dictionary<string, ScalarType> DTypes = new()
    {
        ["F64"] = ScalarType.Float64,
        ["F32"] = ScalarType.Float32,
        ["F16"] = ScalarType.Float16,
        ["BF16"] = ScalarType.BFloat16,
        ["I64"] = ScalarType.Int64,
        ["I32"] = ScalarType.Int32,
        ["I16"] = ScalarType.Int16,
        ["I8"] = ScalarType.Int8,
        ["U8"] = ScalarType.Byte,
        ["BOOL"] = ScalarType.Bool,
    };

    public static StateDict Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) throw new XaiVisionException($"Weight file '{path}' is too short to be safetensors.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)bytes.Length - 8) throw new XaiVisionException($"Weight file '{path}' has a header longer than the file.");
        return StateDict.Read(path, result =>
        {
            var data = bytes.AsSpan(8 + (int)headerLength);
            using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
            foreach (var entry in header.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__") continue;
                var dtypeName = entry.Value.GetProperty("dtype").GetString() ?? "";
                if (!DTypes.TryGetValue(dtypeName, out var dtype)) throw new XaiVisionException($"Weight file '{path}': unsupported dtype {dtypeName} for '{entry.Name}'.");
                var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > data.Length)
                    throw new XaiVisionException($"Weight file '{path}': '{entry.Name}' has data offsets outside the file.");
                result.Add(entry.Name, StateDict.FromBytes(data[(int)offsets[0]..(int)offsets[1]], dtype, shape));
            }
        }, e => e is JsonException or KeyNotFoundException or InvalidOperationException
            ? $"Weight file '{path}' has a malformed safetensors header: {e.Message}" : null);
    }
}
