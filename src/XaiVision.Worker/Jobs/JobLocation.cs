using XaiVision.Contracts;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// Where a job lives: its output container and the prefix under which every one of its blobs is named (<see cref="JobLayout"/>).
/// The spec, the job index entry and the open-job entry each carry one; every <see cref="JobStore"/> operation is keyed by it.
/// </summary>
public readonly record struct JobLocation(string Container, string Prefix)
{
    public static JobLocation Of(AuditJobSpec spec) => new(spec.Output.Container, spec.Output.Prefix);

    /// <summary><c>container/prefix</c>, as messages and reports name it.</summary>
    public override string ToString() => $"{Container}/{Prefix}";

    /// <summary><c>container/name</c> of one of the job's blobs.</summary>
    public string Url(string name) => $"{Container}/{name}";
}

/// <summary>The location each job record carries.</summary>
public static class JobLocations
{
    public static JobLocation Location(this AuditJobSpec spec) => JobLocation.Of(spec);
}
