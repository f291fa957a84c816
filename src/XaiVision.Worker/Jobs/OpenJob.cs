namespace XaiVision.Worker.Jobs;

/// <summary>The open-job entry (<c>open/&lt;id&gt;.json</c> in the jobs container) from planning until the job ends.</summary>
public sealed record OpenJob(Guid JobId, string Container, string Prefix, int Shards, DateTimeOffset Deadline)
{
    /// <summary>Where the job lives (its container and prefix, stored as two fields).</summary>
    [System.Text.Json.Serialization.JsonIgnore] public JobLocation Location => new(Container, Prefix);
}
