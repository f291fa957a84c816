using System.Collections.Concurrent;
using System.Reflection;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// Whether a contract property is declared non-nullable, safe from many threads. <see cref="NullabilityInfoContext"/> is not
/// thread-safe (its caches are plain dictionaries: two submissions validated at once on one shared context threw "An item with the
/// same key has already been added. Key: XaiVision.Contracts.ModelSource"), so each answer comes from a context of its own and is kept.
/// </summary>
public sealed class ContractNullability
{
    public static ContractNullability Shared { get; } = new();

    readonly ConcurrentDictionary<PropertyInfo, bool> _nonNullable = new();

    public bool IsNonNullable(PropertyInfo property) =>
        _nonNullable.GetOrAdd(property, p => new NullabilityInfoContext().Create(p).ReadState == NullabilityState.NotNull);
}
