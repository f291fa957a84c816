using static TorchSharp.torch;

namespace XaiVision.Engine.Models.Weights;

/// <summary>
/// The allow-list of callables a PyTorch state-dict pickle may use, and the reading of its
/// persistent ids into <see cref="PickledStorage"/>s.
/// </summary>
internal static class PyTorchPickle
{
    static readonly Dictionary<string, ScalarType> StorageTypes = new()
    {
        ["FloatStorage"] = ScalarType.Float32,
        ["DoubleStorage"] = ScalarType.Float64,
        ["HalfStorage"] = ScalarType.Float16,
        ["BFloat16Storage"] = ScalarType.BFloat16,
        ["LongStorage"] = ScalarType.Int64,
        ["IntStorage"] = ScalarType.Int32,
        ["ShortStorage"] = ScalarType.Int16,
        ["CharStorage"] = ScalarType.Int8,
        ["ByteStorage"] = ScalarType.Byte,
        ["BoolStorage"] = ScalarType.Bool,
    };

    public static Dictionary<PyGlobal, Func<object?[], object?>> Callables()
    {
        var callables = new Dictionary<PyGlobal, Func<object?[], object?>>
        {
            [new("collections", "OrderedDict")] = _ => new PyDict(),
            [new("torch._utils", "_rebuild_tensor_v2")] = RebuildTensor,
            [new("torch._utils", "_rebuild_tensor")] = RebuildTensor,
            [new("torch._utils", "_rebuild_parameter")] = args => args.Length > 0 ? args[0] : null,
            [new("torch._utils", "_rebuild_parameter_with_state")] = args => args.Length > 0 ? args[0] : null,
        };
        // Checkpoints carry more than weights: NumPy scalars and arrays (best_acc, histories), argparse namespaces. They become
        // inert placeholders — nothing of NumPy or argparse runs — and _codecs.encode (how NumPy pickles bytes) is pure data.
        foreach (var numpy in new[] { "numpy.core.multiarray", "numpy._core.multiarray" })
        {
            callables[new(numpy, "scalar")] = _ => new PyOpaque("a NumPy scalar");
            callables[new(numpy, "_reconstruct")] = _ => new PyOpaque("a NumPy array");
        }
        callables[new("numpy", "dtype")] = _ => new PyOpaque("a NumPy dtype");
        callables[new("numpy", "ndarray")] = _ => throw new XaiVisionException("Refusing to call numpy.ndarray.");
        callables[new("_codecs", "encode")] = args => args is [string text, ..] ? System.Text.Encoding.Latin1.GetBytes(text) : new PyOpaque("bytes");
        callables[new("argparse", "Namespace")] = _ => new PyDict();
        callables[new("torch.torch_version", "TorchVersion")] = args => args is [string version, ..] ? version : new PyOpaque("a version");
        // Storage classes only appear as the type inside a persistent id; they are never called.
        foreach (var name in StorageTypes.Keys)
            callables[new("torch", name)] = _ => throw new XaiVisionException($"Refusing to call torch.{name}.");
        return callables;
    }

    /// <summary>('storage', torch.XStorage, key, location, numel[, view_metadata]) → storage reference.</summary>
    public static PickledStorage ReadStorageId(object? pid)
    {
        if (pid is not object?[] t || t.Length < 5 || t[0] as string != "storage" || t[1] is not PyGlobal type || t[2] is not string key)
            throw new XaiVisionException("Malformed weight file: a tensor's storage reference is not ('storage', type, key, location, size).");
        if (!StorageTypes.TryGetValue(type.Name, out var dtype))
            throw new XaiVisionException($"Unsupported tensor storage type '{type}'.");
        return new PickledStorage(dtype, key, AsLong(t[4]));
    }

    static object RebuildTensor(object?[] args)
    {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        if (args.Length < 4 || args[0] is not PickledStorage storage)
            throw new XaiVisionException("Malformed weight file: a tensor is not built from a storage.");
        var shape = AsLongs(args[2]);
        var stride = AsLongs(args[3]);
        if (shape.Length != stride.Length) throw new XaiVisionException("Malformed weight file: a tensor's shape and stride differ in length.");
        return new PickledTensor(storage, AsLong(args[1]), shape, stride);
    }

    static long[] AsLongs(object? o) => o is object?[] t ? t.Select(AsLong).ToArray() : throw new XaiVisionException("Malformed weight file: a tensor shape is not a tuple.");

    static long AsLong(object? o) => o is long l ? l : throw new XaiVisionException("Malformed weight file: an integer was expected.");
}
