namespace XaiVision.Worker.Hosting;

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

    public IEnumerable<string> Problems()
    {
        if (Kind == StorageKind.Azure && string.IsNullOrWhiteSpace(ConnectionString)) yield return "Storage:ConnectionString is required when Storage:Kind is Azure.";
        if (Kind == StorageKind.FileSystem && string.IsNullOrWhiteSpace(Root)) yield return "Storage:Root is required when Storage:Kind is FileSystem.";
        if (!Storage.BlobNames.IsValidContainer(JobsContainer)) yield return $"Storage:JobsContainer '{JobsContainer}' is not a valid container name.";
        if (MaxRetries is < 0 or > 20) yield return "Storage:MaxRetries must be 0–20.";
    }
}
