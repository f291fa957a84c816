using static TorchSharp.torch;

namespace XaiVision.Engine.Models.Weights;

/// <summary>Named CPU tensors read from a weight file, in file order. Dispose to free them.</summary>
public sealed class StateDict(string source) : IDisposable
{
    readonly List<KeyValuePair<string, Tensor>> _entries = new();

    public string Source { get; } = source;
    public IReadOnlyList<KeyValuePair<string, Tensor>> Entries => _entries;
    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    public void Add(string key, Tensor value)
    {
        if (_entries.Any(e => e.Key == key)) throw new XaiVisionException($"Weight file '{Source}' holds '{key}' twice.");
        _entries.Add(new(key, value));
    }

    public Tensor this[string key] => _entries.First(e => e.Key == key).Value;

    /// <summary>
    /// A state dict filled by <paramref name="fill"/>; when it fails, the tensors read so far are freed, and an error that
    /// <paramref name="malformed"/> recognises as the file's fault becomes one line naming the file (others pass through).
    /// </summary>
    internal static StateDict Read(string source, Action<StateDict> fill, Func<Exception, string?> malformed)
    {
        var result = new StateDict(source);
        try
        {
            fill(result);
            return result;
        }
        catch (Exception e) when (malformed(e) is { } message)
        {
            result.Dispose();
            throw new XaiVisionException(message);
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var e in _entries) e.Value.Dispose();
        _entries.Clear();
    }

    /// <summary>Creates a contiguous tensor of <paramref name="dtype"/> from raw little-endian bytes.</summary>
    internal static Tensor FromBytes(ReadOnlySpan<byte> bytes, ScalarType dtype, long[] shape)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        long expected = count * ElementSize(dtype);
        if (bytes.Length != expected)
            throw new XaiVisionException($"Malformed weight file: a {dtype} tensor of shape ({string.Join(", ", shape)}) needs {expected} bytes, found {bytes.Length}.");
        var t = empty(shape, dtype);
        if (count > 0) t.bytes = bytes.ToArray();
        return t;
    }

    internal static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        _ => throw new XaiVisionException($"Unsupported tensor element type {dtype}."),
    };
}
