using static TorchSharp.torch;

namespace XaiVision.Engine.Models.Weights;

/// <summary>How to read a checkpoint: which state dict (<c>model.weightsKey</c>), which key prefix to remove, and whether keys the architecture does not have may be ignored.</summary>
public sealed record WeightOptions(string? Key = null, string? StripPrefix = null, bool AllowExtraKeys = false);

/// <summary>The state dict chosen from a file, its keys as the architecture names them, and the class count its head gives.</summary>
public sealed record SelectedWeights(Architecture Architecture, IReadOnlyDictionary<string, Tensor> Tensors, int Classes, string Location, string Prefix,
    IReadOnlyList<string> Ignored, bool Recognised, string? HeadVariant = null);

/// <summary>
/// Chooses the state dict of a weight file and the architecture it fits: checkpoint dicts are searched for state dicts,
/// the prefixes that wrappers add (<c>module.</c> DataParallel/DDP, <c>model.</c> Lightning, <c>_orig_mod.</c> torch.compile)
/// are removed when that makes the keys fit, and without a named architecture every known one is tried. Exactly one fit is
/// used; none or several is an error that lists what was found and how to choose.
/// </summary>
public static class WeightSelection
{
    static readonly string[] KnownPrefixes = ["", "module.", "model.", "_orig_mod.", "module.model.", "model.module.", "_orig_mod.module.", "module._orig_mod.", "model._orig_mod."];

    public static SelectedWeights Choose(WeightArchive archive, Architecture? architecture, WeightOptions options)
    {
        var candidates = archive.Candidates.ToList();
        if (options.Key is { } key)
        {
            candidates = candidates.Where(c => c.Path == key).ToList();
            if (candidates.Count == 0)
                throw new XaiVisionException($"Weight file '{archive.Source}' has no state dict at '{key}' (model.weightsKey); it has: {Listing(archive)}.");
        }
        var architectures = architecture is null ? ArchitectureRegistry.Architectures.ToList() : [architecture];
        var prefixes = options.StripPrefix is { Length: > 0 } custom ? [custom, ""] : KnownPrefixes;
        var fits = new List<(string Path, StateDict Weights, string Prefix, ArchitectureSignature Signature, ArchitectureSignature.Fit Fit, Func<string, string> Rename)>();
        foreach (var (path, weights) in candidates)
            foreach (var signature in architectures.Select(ArchitectureSignature.Of))
                foreach (var prefix in prefixes.Where(p => weights.Keys.All(k => k.StartsWith(p, StringComparison.Ordinal))))
                {
                    var shapes = Shapes(weights, prefix);
                    var rename = HeadVariant(shapes.Keys, signature.Architecture);
                    var fit = signature.Match(shapes.ToDictionary(kv => rename(kv.Key), kv => kv.Value), options.AllowExtraKeys);
                    if (!fit.Fits) continue;
                    fits.Add((path, weights, prefix, signature, fit, rename));
                    break;
                }

        if (fits.Count == 1)
        {
            var (path, weights, prefix, signature, fit, rename) = fits[0];
            var tensors = weights.Entries.ToDictionary(e => rename(e.Key[prefix.Length..]), e => e.Value);
            var renamedHead = weights.Entries.Select(e => e.Key[prefix.Length..]).FirstOrDefault(k => rename(k) != k);
            return new SelectedWeights(signature.Architecture, tensors, fit.Classes!.Value, path, prefix, fit.Unexpected, architecture is null,
                renamedHead is null ? null : renamedHead[..renamedHead.LastIndexOf('.')]);
        }
        if (fits.Select(f => f.Path).Distinct().Count() > 1)
            throw new XaiVisionException($"Weight file '{archive.Source}' holds several state dicts that fit ( " +
                $"{string.Join(", ", fits.Select(f => $"{WeightArchive.Describe(f.Path)} as {f.Signature.Architecture.Name}").Distinct())}): " +
                $"choose one with model.weightsKey in a job spec or --weights-key on the command line, e.g. '{fits[0].Path}'.");
        if (fits.Count > 1)
            throw new XaiVisionException(
                $"Weight file '{archive.Source}' fits several architectures ({string.Join(", ", fits.Select(f => f.Signature.Architecture.Name))}): name one with --model / model.architecture.");
        throw new XaiVisionException(NoFit(archive, candidates, architecture, options));
    }

    static Dictionary<string, long[]> Shapes(StateDict weights, string prefix) =>
        weights.Entries.ToDictionary(e => e.Key[prefix.Length..], e => e.Value.shape);

    /// <summary>
    /// A head replaced by <c>Sequential(Dropout, …, Linear)</c> when fine-tuning (keys <c>fc.1.weight</c> for <c>fc</c>) is the
    /// same function at inference (dropout is the identity): its one Linear is read as the head. Heads with several Linear
    /// layers are not (the activations between them leave no trace in the weights). Returns the file key → architecture key map.
    /// </summary>
    static Func<string, string> HeadVariant(IReadOnlyCollection<string> keys, Architecture architecture)
    {
        var head = architecture.HeadLayer;
        if (head.Length == 0 || keys.Contains(head + ".weight")) return k => k;
        var nested = keys.Where(k => k.StartsWith(head + ".", StringComparison.Ordinal)).ToList();
        var layers = nested.Select(k => k[(head.Length + 1)..].Split('.')).Where(p => p.Length == 2 && int.TryParse(p[0], out _)).Select(p => p[0]).Distinct().ToList();
        if (layers.Count != 1 || nested.Count is < 1 or > 2 || nested.Any(k => k.Split('.').Length != head.Split('.').Length + 2)) return k => k;
        var inner = $"{head}.{layers[0]}.";
        return k => k.StartsWith(inner, StringComparison.Ordinal) ? head + "." + k[inner.Length..] : k;
    }

    static string Listing(WeightArchive archive) => string.Join(", ", archive.Candidates.Select(c => $"{WeightArchive.Describe(c.Path)} ({c.Weights.Entries.Count} tensors)"));

    /// <summary>Why nothing fits, in the words that help: the first differences from the named (or closest) architectures, and the right one when another fits.</summary>
    static string NoFit(WeightArchive archive, List<(string Path, StateDict Weights)> candidates, Architecture? architecture, WeightOptions options)
    {
        var (path, weights) = candidates.MaxBy(c => c.Weights.Entries.Count);
        var prefix = (options.StripPrefix is { Length: > 0 } custom ? [custom, ""] : KnownPrefixes)
            .Where(p => weights.Keys.All(k => k.StartsWith(p, StringComparison.Ordinal))).MaxBy(p => p.Length) ?? "";
        var shapes = Shapes(weights, prefix);
        var where = candidates.Count > 1 || path.Length > 0 ? $" (the state dict at {WeightArchive.Describe(path)})" : "";
        if (architecture is not null)
        {
            var fit = ArchitectureSignature.Of(architecture).Match(shapes, options.AllowExtraKeys);
            var other = ArchitectureRegistry.Architectures.Where(a => a != architecture).FirstOrDefault(a => ArchitectureSignature.Of(a).Match(shapes, options.AllowExtraKeys).Fits);
            var hint = other is not null ? $" They are weights for '{other.Name}': use --model {other.Name} (model.architecture: {other.Name})."
                : fit.Missing.Count == 0 && fit.WrongShape.Count == 0 && fit.Unexpected.Count > 0
                    ? " To ignore keys the architecture does not have (an auxiliary head), set model.allowExtraKeys (--allow-extra-keys)." : "";
            return $"Weights '{archive.Source}'{where} do not fit architecture '{architecture.Name}': {fit.Describe()}.{hint}";
        }
        var closest = ArchitectureRegistry.Architectures.Select(a => (a.Name, Fit: ArchitectureSignature.Of(a).Match(shapes, options.AllowExtraKeys)))
            .OrderByDescending(f => f.Fit.Overlap).ThenBy(f => f.Fit.Unexpected.Count).Take(2).ToList();
        var extra = closest[0].Fit.Missing.Count == 0 && closest[0].Fit.WrongShape.Count == 0 && closest[0].Fit.Unexpected.Count > 0
            ? " To ignore keys the architecture does not have (an auxiliary head), set model.allowExtraKeys (--allow-extra-keys)." : "";
        return $"Weights '{archive.Source}'{where} match no known architecture. Closest: " +
            string.Join("; ", closest.Select(f => $"{f.Name} ({f.Fit.Overlap:P0} of the keys shared; {f.Fit.Describe()})")) +
            $". Known: {string.Join(", ", ArchitectureRegistry.Names.Order())}.{extra}";
    }
}
