using System.Text;
using XaiVision.Contracts;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Jobs;

/// <summary>Lists a job's images (blob prefix or manifest), samples them if asked, and cuts shards.</summary>
public sealed class JobPlanner(IBlobStore store)
{
    static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif" };

    public async Task<(JobPlan? Plan, IReadOnlyList<ValidationProblem> Problems)> PlanAsync(Guid jobId, AuditJobSpec spec, JobLimits limits, CancellationToken ct)
    {
        var problems = limits.Check(spec).ToList();
        if (problems.Count > 0) return (null, problems); // nothing is read for a spec this worker may not run
        if (spec.Model.Weights is { } weights && !await Exists(weights, ct)) problems.Add(new("model.weights", $"blob '{weights}' does not exist."));
        if (spec.Model.Labels is { } labels && !await Exists(labels, ct)) problems.Add(new("model.labels", $"blob '{labels}' does not exist."));
        if (spec.Baseline?.Weights is { } baseline && !await Exists(baseline, ct)) problems.Add(new("baseline.weights", $"blob '{baseline}' does not exist."));

        List<ShardImage> images;
        if (spec.Images.Manifest is { } manifest)
        {
            var bytes = await store.ReadAsync(spec.Images.Container, manifest, ct);
            if (bytes is null)
            {
                problems.Add(new("images.manifest", $"blob '{spec.Images.Container}/{manifest}' does not exist."));
                return (null, problems);
            }
            images = ParseManifest(Encoding.UTF8.GetString(bytes), spec, problems);
        }
        else
        {
            images = (await store.ListAsync(spec.Images.Container, spec.Images.Prefix, ct))
                .Where(n => Extensions.Contains(Path.GetExtension(n))).Select(n => new ShardImage(n, null, null)).ToList();
        }
        if (images.Count == 0 && problems.Count == 0) problems.Add(new("images", $"no images found in '{spec.Images.Container}/{spec.Images.Prefix}'."));
        if (spec.Images.Limit is { } limit && images.Count > limit)
            images = images.OrderBy(i => StableHash(spec.Images.SampleSeed, i.Blob)).Take(limit).OrderBy(i => i.Blob, StringComparer.Ordinal).ToList();
        if (images.Count > limits.MaxImages) problems.Add(new("images", $"{images.Count} images exceed this worker's limit of {limits.MaxImages} per job."));
        long shardCount = (images.Count + spec.ShardSize - 1) / spec.ShardSize;
        if (shardCount > limits.MaxShards) problems.Add(new("shardSize", $"{shardCount} shards exceed this worker's limit of {limits.MaxShards} per job; raise shardSize."));
        var duplicateIds = images.GroupBy(i => JobLayout.ImageId(spec, i.Blob)).FirstOrDefault(g => g.Count() > 1);
        if (duplicateIds is not null) problems.Add(new("images", $"images '{string.Join("', '", duplicateIds.Select(i => i.Blob))}' would share the output id '{duplicateIds.Key}'."));
        if (problems.Count > 0) return (null, problems);
        var shards = images.Chunk(spec.ShardSize).Select(c => (IReadOnlyList<ShardImage>)c.ToList()).ToList();
        return (new JobPlan(jobId, spec, shards), problems);
    }

    async Task<bool> Exists(string reference, CancellationToken ct)
    {
        var slash = reference.IndexOf('/');
        return await store.ExistsAsync(reference[..slash], reference[(slash + 1)..], ct);
    }

    /// <summary>The manifest's rows (<see cref="ImageManifest"/>), paths resolved against the manifest's folder.</summary>
    static List<ShardImage> ParseManifest(string text, AuditJobSpec spec, List<ValidationProblem> problems)
    {
        var (rows, rowProblems) = ImageManifest.Parse(text);
        problems.AddRange(rowProblems.Select(p => new ValidationProblem(p.Line == 0 ? "images.manifest" : $"images.manifest[{p.Line}]", p.Problem)));
        var baseDir = spec.Images.Manifest!.Contains('/') ? spec.Images.Manifest[..spec.Images.Manifest.LastIndexOf('/')] : "";
        string Resolve(string relative)
        {
            var parts = new List<string>(baseDir.Length > 0 ? baseDir.Split('/') : []);
            foreach (var part in relative.Split('/'))
            {
                if (part == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); }
                else if (part is not ("" or ".")) parts.Add(part);
            }
            return string.Join('/', parts);
        }
        var result = new List<ShardImage>();
        foreach (var row in rows)
        {
            var blob = Resolve(row.Path);
            if (!BlobNames.IsSafePath(blob)) problems.Add(new($"images.manifest[{row.Line}]", $"'{row.Path}' is not a safe path."));
            else result.Add(new ShardImage(blob, row.Label, row.Mask is null ? null : Resolve(row.Mask)));
        }
        return result;
    }

    static ulong StableHash(int seed, string text)
    {
        ulong hash = 1469598103934665603UL ^ (ulong)seed;
        foreach (var b in Encoding.UTF8.GetBytes(text)) hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }
}
