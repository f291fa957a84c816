namespace XaiVision.Engine.Explainers;

/// <summary>
/// Names (and aliases) → factories of one kind of suite part — methods, metrics, perturbations — in the method grammar
/// (<c>name(key=value,…)</c>, <see cref="MethodSpec"/>). An unknown name fails listing the known ones; a parameter the part did not
/// read fails too, so a misspelt key is never silently ignored.
/// </summary>
public sealed class Catalog<T>(string kind, IReadOnlyDictionary<string, Func<MethodSpec, T>> factories, IReadOnlyDictionary<string, string>? aliases = null)
{
    public IEnumerable<string> Names => factories.Keys;

    /// <summary>The name an alias stands for (the name itself otherwise).</summary>
    public string Canonical(string name) => aliases?.GetValueOrDefault(name, name) ?? name;

    /// <param name="known">the names to list when <paramref name="spec"/>'s is unknown (default: this catalog's).</param>
    public T Create(MethodSpec spec, IEnumerable<string>? known = null)
    {
        if (!factories.TryGetValue(Canonical(spec.Name), out var factory))
            throw new XaiVisionException($"Unknown {kind} '{spec.Name}'. Known: {string.Join(", ", known ?? Names)}.");
        return Created(spec, factory(spec));
    }

    /// <summary>A part made outside the table (LRP's rule-named methods): the same check that every parameter was read.</summary>
    public static T Created(MethodSpec spec, T part)
    {
        spec.EnsureAllUsed();
        return part;
    }
}
