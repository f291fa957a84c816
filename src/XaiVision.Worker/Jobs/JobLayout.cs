using XaiVision.Contracts;
using XaiVision.Engine.Imaging;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Jobs;

/// <summary>Deterministic blob names under a job's output prefix (DESIGN.md's layout).</summary>
public static class JobLayout
{
    public static string Job(AuditJobSpec spec) => BlobNames.Join(spec.Output.Prefix, "job.json");
    public static string ShardsPrefix(AuditJobSpec spec) => ShardsPrefix(spec.Output.Prefix);
    /// <summary>How many shards the planner has sent (<see cref="PlanningProgress"/>).</summary>
    public static string Planning(AuditJobSpec spec) => BlobNames.Join(spec.Output.Prefix, "planning.json");
    public static string Shard(AuditJobSpec spec, int index) => BlobNames.Join(spec.Output.Prefix, $"shards/{index:D5}.json");
    public static string Report(AuditJobSpec spec) => Report(spec.Output.Prefix);
    /// <summary>Which shards have finished and who aggregates (<see cref="CompletionTally"/>).</summary>
    public static string Completion(AuditJobSpec spec) => Completion(spec.Output.Prefix);
    public static string Completion(string prefix) => BlobNames.Join(prefix, "completion.json");
    /// <summary>The index of a shard result's blob name (<c>…/shards/00042.json</c> → 42), or null for another name.</summary>
    public static int? ShardIndexOf(string name) =>
        name.EndsWith(".json", StringComparison.Ordinal) && int.TryParse(Path.GetFileNameWithoutExtension(name), out var index) ? index : null;
    public static string Html(AuditJobSpec spec) => BlobNames.Join(spec.Output.Prefix, "report.html");
    public static string Csv(AuditJobSpec spec) => BlobNames.Join(spec.Output.Prefix, "images.csv");
    /// <summary>Written after <c>AuditJobCompleted</c> was published: a report without it was never announced.</summary>
    public static string Announced(AuditJobSpec spec) => BlobNames.Join(spec.Output.Prefix, "announced.json");
    public static string Failed(AuditJobSpec spec) => Failed(spec.Output.Prefix);
    public static string Failed(string prefix) => BlobNames.Join(prefix, "failed.json");
    public static string Report(string prefix) => BlobNames.Join(prefix, "report.json");
    public static string ShardsPrefix(string prefix) => BlobNames.Join(prefix, "shards/");
    /// <summary>Written (before the shard's result) when a whole shard failed: its reason, for the report and the gates.</summary>
    public static string ShardFailure(AuditJobSpec spec, int index) => BlobNames.Join(spec.Output.Prefix, $"shard-failures/{index:D5}.json");
    public static string ShardFailuresPrefix(AuditJobSpec spec) => ShardFailuresPrefix(spec.Output.Prefix);
    public static string ShardFailuresPrefix(string prefix) => BlobNames.Join(prefix, "shard-failures/");
    /// <summary>Where the attempts at a shard that are still running — or whose process died — leave their marks.</summary>
    public static string ShardAttemptsPrefix(AuditJobSpec spec, int index) => BlobNames.Join(spec.Output.Prefix, $"attempts/{index:D5}/");
    public static string Artefact(AuditJobSpec spec, string relative) => BlobNames.Join(spec.Output.Prefix, relative);
    public static string Index(Guid jobId) => $"jobs/{jobId:D}.json";

    /// <summary>A named series' runs, in the jobs container.</summary>
    public static string History(string series) => $"history/{series}.json";
    /// <summary>In the jobs container while the job runs (deleted when it ends): what the deadline check looks at.</summary>
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
