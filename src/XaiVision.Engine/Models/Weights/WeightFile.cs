using static TorchSharp.torch;

namespace XaiVision.Engine.Models.Weights;

/// <summary>Reads any supported weight file and copies it into a module, checking every key and shape.</summary>
public static class WeightFile
{
    /// <summary>Every state dict in the file (a checkpoint may hold several) and any class names stored with them.</summary>
    public static WeightArchive Open(string path)
    {
        if (!File.Exists(path)) throw new XaiVisionException($"Weight file '{path}' does not exist.");
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".pth" or ".pt" or ".bin" or ".ckpt" or ".tar" => PthReader.Read(path),
            ".safetensors" => new WeightArchive(path, [("", SafetensorsReader.Read(path))], null),
            ".dat" => new WeightArchive(path, [("", TorchSharpDatReader.Read(path))], null),
            _ => throw new XaiVisionException($"Unknown weight file type '{extension}' ('{path}'): use .pth/.pt/.ckpt (PyTorch), .safetensors or .dat (TorchSharp)."),
        };
    }

    /// <summary>The file's one state dict (tests and tools; the loader chooses among several with <see cref="WeightSelection"/>).</summary>
    public static StateDict Read(string path)
    {
        var archive = Open(path);
        if (archive.Candidates.Count == 1) return archive.Candidates[0].Weights;
        archive.Dispose();
        throw new XaiVisionException($"Weight file '{path}' holds {archive.Candidates.Count} state dicts.");
    }

    /// <summary>Loads <paramref name="path"/> into <paramref name="module"/>; the module is untouched when anything mismatches.</summary>
    public static void Load(nn.Module module, string path, string architecture)
    {
        using var weights = Read(path);
        Apply(module, weights, architecture);
    }

    public static void Apply(nn.Module module, StateDict weights, string architecture)
    {
        var target = module.state_dict();
        var source = weights.Entries.ToDictionary(e => StripPrefix(e.Key), e => e.Value);
        var missing = target.Keys.Where(k => !source.ContainsKey(k)).ToList();
        var unexpected = source.Keys.Where(k => !target.ContainsKey(k)).ToList();
        var wrongShape = target.Where(kv => source.TryGetValue(kv.Key, out var s) && !s.shape.SequenceEqual(kv.Value.shape))
            .Select(kv => $"{kv.Key} (file {Shape(source[kv.Key])}, model {Shape(kv.Value)})").ToList();
        if (missing.Count + unexpected.Count + wrongShape.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing {missing.Count} key(s): {First(missing)}");
            if (unexpected.Count > 0) parts.Add($"unexpected {unexpected.Count} key(s): {First(unexpected)}");
            if (wrongShape.Count > 0) parts.Add($"{wrongShape.Count} shape mismatch(es): {First(wrongShape)}");
            throw new XaiVisionException($"Weights '{weights.Source}' do not fit architecture '{architecture}': {string.Join("; ", parts)}.");
        }
        using var _ = no_grad();
        foreach (var (key, tensor) in target)
            tensor.copy_(source[key].to(tensor.dtype));
    }

    // Checkpoints saved from DataParallel carry a "module." prefix on every key.
    static string StripPrefix(string key) => key.StartsWith("module.", StringComparison.Ordinal) ? key["module.".Length..] : key;

    /// <summary>Copies <paramref name="weights"/> (already checked to fit) into <paramref name="module"/>.</summary>
    internal static void Copy(nn.Module module, IReadOnlyDictionary<string, Tensor> weights)
    {
        using var _ = no_grad();
        foreach (var (key, tensor) in module.state_dict())
            tensor.copy_(weights[key].to(tensor.dtype));
    }

    static string Shape(Tensor t) => "(" + string.Join(", ", t.shape) + ")";

    static string First(List<string> items) => string.Join(", ", items.Take(5)) + (items.Count > 5 ? ", …" : "");
}
