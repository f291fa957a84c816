using System.IO.Compression;
using static TorchSharp.torch;

namespace XaiVision.Engine.Models.Weights;

/// <summary>
/// Reads PyTorch <c>torch.save</c> state dicts in both formats, with <see cref="SafeUnpickler"/>:
/// the zip format (PyTorch ≥ 1.6: <c>archive/data.pkl</c> + <c>archive/data/&lt;key&gt;</c>) and the
/// legacy format of the older torchvision weight files (magic, protocol and system-info pickles,
/// the state-dict pickle, a pickled list of storage keys, then each storage as an int64 element
/// count followed by its raw bytes).
/// </summary>
public static class PthReader
{
    static readonly System.Numerics.BigInteger LegacyMagic = System.Numerics.BigInteger.Parse("01950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);
    const int LegacyProtocolVersion = 1001;

    public static WeightArchive Read(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[2];
        if (stream.Read(head) < 2) throw new XaiVisionException($"Weight file '{path}' is too short to be a .pth file.");
        stream.Position = 0;
        if (head[0] == (byte)'P' && head[1] == (byte)'K') return ReadZip(stream, path);
        if (head[0] == 0x80) return ReadLegacy(stream, path);
        throw new XaiVisionException($"Weight file '{path}' is neither a zip nor a legacy PyTorch file.");
    }

    static WeightArchive ReadZip(Stream stream, string path)
    {
        ZipArchive zip;
        try { zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true); }
        catch (InvalidDataException e) { throw new XaiVisionException($"Weight file '{path}' is a damaged zip archive: {e.Message}"); }
        using (zip)
        {
            var pickle = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1)
                ?? throw new XaiVisionException($"Weight file '{path}' is a zip without a data.pkl: not a PyTorch file.");
            var prefix = pickle.FullName[..^"data.pkl".Length];
            object? root;
            using (var pkl = Buffer(pickle, MaxPickleBytes, "a state dict's pickle"))
                root = new SafeUnpickler(pkl, PyTorchPickle.Callables(), PyTorchPickle.ReadStorageId).Load();

            return Build(root, path, storage =>
            {
                var entry = zip.GetEntry(prefix + "data/" + storage.Key)
                    ?? throw new XaiVisionException($"Weight file '{path}' lacks the data of storage {storage.Key}.");
                using var data = Buffer(entry, checked(storage.Count * StateDict.ElementSize(storage.DType)), $"its storage ({storage.Count} × {storage.DType})");
                return data.ToArray();
            });
        }
    }

    /// <summary>The most a <c>data.pkl</c> may inflate to: the tensors live in <c>data/</c>, so real pickles are kilobytes to megabytes.</summary>
    public const long MaxPickleBytes = 256L << 20;

    /// <summary>
    /// An entry inflated into memory, never past <paramref name="limit"/> bytes: a zip bomb (4 GiB of zeros in a few megabytes)
    /// is refused by the size the zip directory declares before anything is inflated, and one whose directory lies is stopped
    /// at the limit while it inflates.
    /// </summary>
    static MemoryStream Buffer(ZipArchiveEntry entry, long limit, string expected)
    {
        string Bomb(long size) => $"Weight file entry '{entry.FullName}' inflates to {size:N0} bytes, more than {expected} can hold " +
            $"({limit:N0} bytes): a zip bomb or a damaged file; not read.";
        if (entry.Length > limit) throw new XaiVisionException(Bomb(entry.Length));
        var ms = new MemoryStream((int)Math.Min(entry.Length, limit));
        try
        {
            using var s = entry.Open();
            var chunk = new byte[1 << 16];
            for (int read; (read = s.Read(chunk)) > 0;)
            {
                if (ms.Length + read > limit) throw new XaiVisionException(Bomb(ms.Length + read));
                ms.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException e)
        {
            throw new XaiVisionException($"Weight file entry '{entry.FullName}' is damaged: {e.Message}");
        }
        ms.Position = 0;
        return ms;
    }

    static WeightArchive ReadLegacy(Stream stream, string path)
    {
        var noCalls = new Dictionary<PyGlobal, Func<object?[], object?>>();
        object? NoPersistent(object? _) => throw new XaiVisionException("Malformed weight file: unexpected storage reference in a header.");

        var magic = new SafeUnpickler(stream, noCalls, NoPersistent).Load();
        if (magic is not System.Numerics.BigInteger big || big != LegacyMagic)
            throw new XaiVisionException($"Weight file '{path}' is not a PyTorch file (bad magic number).");
        if (new SafeUnpickler(stream, noCalls, NoPersistent).Load() is not long protocol || protocol != LegacyProtocolVersion)
            throw new XaiVisionException($"Weight file '{path}' uses an unknown legacy protocol version.");
        if (new SafeUnpickler(stream, noCalls, NoPersistent).Load() is PyDict sysInfo
            && sysInfo.FirstOrDefault(kv => kv.Key as string == "little_endian").Value is false)
            throw new XaiVisionException($"Weight file '{path}' was saved big-endian; only little-endian files are supported.");

        var root = new SafeUnpickler(stream, PyTorchPickle.Callables(), PyTorchPickle.ReadStorageId).Load();
        if (new SafeUnpickler(stream, noCalls, NoPersistent).Load() is not List<object?> keys)
            throw new XaiVisionException($"Weight file '{path}' lacks its list of storages (truncated?).");

        var storages = new Dictionary<string, byte[]>();
        var reader = new BinaryReader(stream);
        var wanted = CollectStorages(root);
        foreach (var key in keys.Select(k => k as string ?? throw new XaiVisionException("Malformed weight file: a storage key is not a string.")))
        {
            if (stream.Length - stream.Position < 8) throw new XaiVisionException($"Weight file '{path}' is truncated (storage {key}).");
            long count = reader.ReadInt64();
            long size = wanted.TryGetValue(key, out var s) ? StateDict.ElementSize(s.DType) : 1;
            long bytes = checked(count * size);
            if (bytes < 0 || bytes > stream.Length - stream.Position)
                throw new XaiVisionException($"Weight file '{path}' is truncated (storage {key} needs {bytes:N0} bytes).");
            storages[key] = reader.ReadBytes((int)bytes);
        }
        return Build(root, path, storage => storages.TryGetValue(storage.Key, out var b)
            ? b
            : throw new XaiVisionException($"Weight file '{path}' lacks the data of storage {storage.Key}."));
    }

    /// <summary>Every storage a tensor anywhere in the pickle refers to.</summary>
    static Dictionary<string, PickledStorage> CollectStorages(object? root)
    {
        var result = new Dictionary<string, PickledStorage>();
        void Visit(object? node, int depth)
        {
            if (depth > 8) return;
            switch (node)
            {
                case PickledTensor t: result[t.Storage.Key] = t.Storage; break;
                case PyDict d: foreach (var kv in d) Visit(kv.Value, depth + 1); break;
                case List<object?> l: foreach (var v in l) Visit(v, depth + 1); break;
                case object?[] a: foreach (var v in a) Visit(v, depth + 1); break;
            }
        }
        Visit(root, 0);
        return result;
    }

    /// <summary>
    /// The state dicts in a pickle: the root when it is a dict of tensors, else every dict of tensors (string keys, at least one
    /// dotted like a module path) in the checkpoint, outside optimizer state. Other entries stay inert data.
    /// </summary>
    static List<(string Path, PyDict Dict)> FindStateDicts(object? root)
    {
        var found = new List<(string, PyDict)>();
        void Visit(object? node, string path, int depth)
        {
            if (node is not PyDict dict || depth > 4 || dict.Count == 0) return;
            if (dict.All(kv => kv.Key is string && kv.Value is PickledTensor) && (depth == 0 || dict.Any(kv => ((string)kv.Key).Contains('.'))))
            {
                found.Add((path, dict));
                return;
            }
            foreach (var (key, value) in dict)
                if (key is string name && !name.StartsWith("optimizer", StringComparison.OrdinalIgnoreCase))
                    Visit(value, path.Length == 0 ? name : $"{path}.{name}", depth + 1);
        }
        Visit(root, "", 0);
        return found;
    }

    static readonly string[] ClassNameKeys = ["classes", "class_names", "classnames", "labels", "categories", "idx_to_class", "class_to_idx"];

    /// <summary>Class names stored with the weights: a list of names, index → name, or name → index (inverted).</summary>
    static IReadOnlyList<string>? FindClassNames(object? root)
    {
        foreach (var scope in new[] { root, (root as PyDict)?.FirstOrDefault(kv => kv.Key as string == "hyper_parameters").Value })
        {
            if (scope is not PyDict dict) continue;
            foreach (var name in ClassNameKeys)
            {
                var value = dict.FirstOrDefault(kv => kv.Key as string == name).Value;
                if (value is List<object?> list && list.Count > 0 && list.All(v => v is string)) return list.Cast<string>().ToList();
                if (value is object?[] tuple && tuple.Length > 0 && tuple.All(v => v is string)) return tuple.Cast<string>().ToList();
                if (value is PyDict map && map.Count > 0)
                {
                    var pairs = map.Select(kv => kv.Key is long i && kv.Value is string s ? (Index: i, Name: s)
                        : kv.Key is string n && kv.Value is long j ? (Index: j, Name: n) : (Index: -1L, Name: "")).ToList();
                    if (pairs.All(p => p.Index >= 0) && pairs.Select(p => p.Index).Order().SequenceEqual(Enumerable.Range(0, pairs.Count).Select(i => (long)i)))
                        return pairs.OrderBy(p => p.Index).Select(p => p.Name).ToList();
                }
            }
        }
        return null;
    }

    static WeightArchive Build(object? root, string path, Func<PickledStorage, byte[]> storageBytes)
    {
        var dicts = FindStateDicts(root);
        if (dicts.Count == 0)
            throw new XaiVisionException(root is PyDict d
                ? $"Weight file '{path}' holds no state dict (a dict of tensors) — its top-level keys: " +
                    $"{string.Join(", ", d.Take(12).Select(kv => kv.Key))}. Save model.state_dict(), or a checkpoint dict that holds it."
                : $"Weight file '{path}' does not hold a state dict (a dict of tensors); save model.state_dict(), not the model.");
        var candidates = new List<(string, StateDict)>();
        var cache = new Dictionary<string, Tensor>();
        try
        {
            using var _ = no_grad();
            foreach (var (location, dict) in dicts)
            {
                var result = new StateDict(path);
                candidates.Add((location, result));
                foreach (var (k, v) in dict)
                {
                    var key = (string)k;
                    var t = (PickledTensor)v!;
                    if (!cache.TryGetValue(t.Storage.Key, out var flat))
                    {
                        flat = StateDict.FromBytes(storageBytes(t.Storage), t.Storage.DType, [t.Storage.Count]);
                        cache[t.Storage.Key] = flat;
                    }
                    long extent = t.Shape.Length == 0 ? 1 : t.Shape.Zip(t.Stride, (n, s) => n == 0 ? 0 : (n - 1) * s).Sum() + 1;
                    if (t.Offset < 0 || t.Offset + extent > t.Storage.Count)
                        throw new XaiVisionException($"Weight file '{path}': '{key}' reaches outside its storage.");
                    result.Add(key, flat.as_strided(t.Shape, t.Stride, t.Offset).contiguous());
                }
            }
        }
        catch
        {
            foreach (var (_, c) in candidates) c.Dispose();
            throw;
        }
        finally
        {
            foreach (var f in cache.Values) f.Dispose();
        }
        return new WeightArchive(path, candidates, FindClassNames(root));
    }
}
