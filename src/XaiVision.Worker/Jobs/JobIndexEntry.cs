namespace XaiVision.Worker.Jobs;

/// <summary>The job index entry (<c>jobs/&lt;id&gt;.json</c> in the jobs container) that lets <c>status</c> find a job.</summary>
public sealed record JobIndexEntry(Guid JobId, string Container, string Prefix, int Shards, int Images)
{
    /// <summary>Where the job lives (its container and prefix, stored as two fields).</summary>
    [System.Text.Json.Serialization.JsonIgnore] public JobLocation Location => new(Container, Prefix);
}
