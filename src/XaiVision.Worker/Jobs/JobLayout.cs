using XaiVision.Contracts;
using XaiVision.Engine.Imaging;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Jobs;

/// <summary>Deterministic blob names under a job's output prefix (DESIGN.md's layout), each in the job's container.</summary>
public static class JobLayout
{
    public static string Job(JobLocation job) => BlobNames.Join(job.Prefix, "job.json");
    /// <summary>How many shards the planner has sent (<see cref="PlanningProgress"/>).</summary>
    public static string Planning(JobLocation job) => BlobNames.Join(job.Prefix, "planning.json");
    public static string ShardsPrefix(JobLocation job) => BlobNames.Join(job.Prefix, "shards/");
    public static string Shard(JobLocation job, int index) => BlobNames.Join(job.Prefix, $"shards/{index:D5}.json");
    /// <summary>The index of a shard result's blob name (<c>…/shards/00042.json</c> → 42), or null for another name.</summary>
    public static int? ShardIndexOf(string name) =>
        name.EndsWith(".json", StringComparison.Ordinal) && int.TryParse(Path.GetFileNameWithoutExtension(name), out var index) ? index : null;
    /// <summary>Written (before the shard's result) when a whole shard failed: its reason, for the report and the gates.</summary>
    public static string ShardFailure(JobLocation job, int index) => BlobNames.Join(job.Prefix, $"shard-failures/{index:D5}.json");
    public static string ShardFailuresPrefix(JobLocation job) => BlobNames.Join(job.Prefix, "shard-failures/");
    /// <summary>Where the attempts at a shard that are still running — or whose process died — leave their marks.</summary>
    public static string ShardAttemptsPrefix(JobLocation job, int index) => BlobNames.Join(job.Prefix, $"attempts/{index:D5}/");
    public static string AttemptsPrefix(JobLocation job) => BlobNames.Join(job.Prefix, "attempts/");
    /// <summary>Which shards have finished and who aggregates (<see cref="CompletionTally"/>).</summary>
    public static string Completion(JobLocation job) => BlobNames.Join(job.Prefix, "completion.json");
    public static string Report(JobLocation job) => BlobNames.Join(job.Prefix, "report.json");
    public static string Html(JobLocation job) => BlobNames.Join(job.Prefix, "report.html");
    public static string Csv(JobLocation job) => BlobNames.Join(job.Prefix, "images.csv");
    /// <summary>Written after <c>AuditJobCompleted</c> was published: a report without it was never announced.</summary>
    public static string Announced(JobLocation job) => BlobNames.Join(job.Prefix, "announced.json");
    public static string Failed(JobLocation job) => BlobNames.Join(job.Prefix, "failed.json");
    public static string Artefact(JobLocation job, string relative) => BlobNames.Join(job.Prefix, relative);

    // In the jobs container.
    public static string Index(Guid jobId) => $"jobs/{jobId:D}.json";
    /// <summary>A named series' runs.</summary>
    public static string History(string series) => $"history/{series}.json";
    /// <summary>While the job runs (deleted when it ends): what the deadline check looks at.</summary>
    public static string Open(Guid jobId) => $"open/{jobId:D}.json";
    public const string OpenPrefix = "open/";

    /// <summary>The name an image's record and maps go under: <c>images/&lt;id&gt;</c>.</summary>
    public static string RecordName(AuditJobSpec spec, string blob) => "images/" + ImageId(spec, blob);

    /// <summary>An image's id: its blob name below the images prefix, extension dropped, '/' → '_'.</summary>
    public static string ImageId(AuditJobSpec spec, string blob)
    {
        var relative = spec.Images.Prefix.Length > 0 && blob.StartsWith(spec.Images.Prefix, StringComparison.Ordinal) ? blob[spec.Images.Prefix.Length..] : blob;
        relative = relative.TrimStart('/');
        var dot = relative.LastIndexOf('.');
        if (dot > relative.LastIndexOf('/')) relative = relative[..dot];
        return FileNames.Sanitise(relative.Replace('/', '_'));
    }
}
