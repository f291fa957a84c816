namespace XaiVision.Worker.Configuration;

public enum StorageKind { FileSystem, Azure }

/// <summary>Section <c>Storage</c>: where blobs live. The connection string comes from configuration or the environment, never from code, and is never logged.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public StorageKind Kind { get; set; } = StorageKind.FileSystem;
    /// <summary>Root folder of the file-system store.</summary>
    public string Root { get; set; } = "xaivision-store";
    public string? ConnectionString { get; set; }
    /// <summary>Container for the job index (<c>jobs/&lt;id&gt;.json</c>), used by <c>status</c>.</summary>
    public string JobsContainer { get; set; } = "xaivision-jobs";
    /// <summary>SDK retries for transient blob faults (the only retry layer for blob I/O).</summary>
    public int MaxRetries { get; set; } = 4;
    /// <summary>Containers job outputs may be written to; empty = any but <see cref="JobsContainer"/>.</summary>
    public List<string> WritableContainers { get; set; } = [];
    /// <summary>First SDK retry delay (exponential with jitter after that).</summary>
    public int RetryDelayMilliseconds { get; set; } = 800;
    /// <summary>How long one blob request may take before the SDK gives up on it (and retries).</summary>
    public int NetworkTimeoutSeconds { get; set; } = 60;
    /// <summary>How long the storage circuit stays open after repeated failures before one call probes again.</summary>
    public int BreakSeconds { get; set; } = 30;
    /// <summary>How long a message waits out a storage outage (consumption paused) before it goes to the error queue.</summary>
    public int OutagePatienceSeconds { get; set; } = 900;

    public IEnumerable<string> Problems()
    {
        if (Kind == StorageKind.Azure && string.IsNullOrWhiteSpace(ConnectionString)) yield return "Storage:ConnectionString is required when Storage:Kind is Azure.";
        if (Kind == StorageKind.FileSystem && string.IsNullOrWhiteSpace(Root)) yield return "Storage:Root is required when Storage:Kind is FileSystem.";
        if (!Storage.BlobNames.IsValidContainer(JobsContainer)) yield return $"Storage:JobsContainer '{JobsContainer}' is not a valid container name.";
        foreach (var c in WritableContainers.Where(c => !Storage.BlobNames.IsValidContainer(c))) yield return $"Storage:WritableContainers '{c}' is not a valid container name.";
        if (MaxRetries is < 0 or > 20) yield return "Storage:MaxRetries must be 0–20.";
        if (RetryDelayMilliseconds is < 1 or > 60_000) yield return "Storage:RetryDelayMilliseconds must be 1–60000.";
        if (NetworkTimeoutSeconds is < 1 or > 3600) yield return "Storage:NetworkTimeoutSeconds must be 1–3600.";
        if (BreakSeconds is < 1 or > 3600) yield return "Storage:BreakSeconds must be 1–3600.";
        if (OutagePatienceSeconds < BreakSeconds || OutagePatienceSeconds > 86_400) yield return "Storage:OutagePatienceSeconds must be at least Storage:BreakSeconds and at most 86400.";
    }
}
