using System.Runtime.CompilerServices;
using System.Text;
using XaiVision.Contracts;
using XaiVision.Engine;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// Lists a job's images (blob prefix, a page at a time, or manifest rows), samples them if asked, and cuts shards — twice: once to
/// validate and count (<see cref="PlanAsync"/>: nothing is sent for a job that would be rejected), once to send
/// (<see cref="ShardsAsync"/>). Neither holds every name: counting keeps a 64-bit hash per image id (duplicate ids), sending one shard
/// at a time; a sample (<c>images.limit</c>) keeps only its own images.
/// </summary>
public sealed class JobPlanner(IBlobStore store, long maxManifestBytes = 1L << 30)
{
    /// <summary>
    /// <c>output.layout: auto</c> writes one archive per shard above this many images: measured on Azurite (bench/README.md) a shard's
    /// zip takes the job from 26 to 62 images/s; below it, files keep every map one click away in the browser at little cost.
    /// </summary>
    public const int ArchiveAbove = 5000;

    static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif" };

    public async Task<(JobPlan? Plan, IReadOnlyList<ValidationProblem> Problems)> PlanAsync(Guid jobId, AuditJobSpec spec, JobLimits limits, CancellationToken ct)
    {
        var problems = limits.Check(spec).ToList();
        if (problems.Count > 0) return (null, problems); // nothing is read for a spec this worker may not run
        if (spec.Model.Weights is { } weights && !await Exists(weights, ct)) problems.Add(new("model.weights", $"blob '{weights}' does not exist."));
        if (spec.Model.Labels is { } labels && !await Exists(labels, ct)) problems.Add(new("model.labels", $"blob '{labels}' does not exist."));
        if (spec.Baseline?.Weights is { } baseline && !await Exists(baseline, ct)) problems.Add(new("baseline.weights", $"blob '{baseline}' does not exist."));
        if (spec.Images.Manifest is { } manifest && !await store.ExistsAsync(spec.Images.Container, manifest, ct))
        {
            problems.Add(new("images.manifest", $"blob '{spec.Images.Container}/{manifest}' does not exist."));
            return (null, problems);
        }

        long images = 0;
        var ids = new HashSet<ulong>();
        string? duplicate = null;
        await foreach (var image in ImagesAsync(spec, problems, ct))
        {
            if (++images > limits.MaxImages) break; // enough to say so
            if (!ids.Add(StableHash(0, JobLayout.ImageId(spec, image.Blob)))) duplicate ??= image.Blob;
        }
        if (images == 0 && problems.Count == 0)
            problems.Add(spec.Images.Manifest is { } listed ? new("images.manifest", $"manifest '{spec.Images.Container}/{listed}' lists no images.")
                : new("images", $"no images found in '{spec.Images.Container}/{spec.Images.Prefix}'."));
        if (images > limits.MaxImages) problems.Add(new("images", $"more than {limits.MaxImages} images: over this worker's limit per job."));
        long shardCount = (images + spec.ShardSize - 1) / spec.ShardSize;
        if (shardCount > limits.MaxShards) problems.Add(new("shardSize", $"{shardCount} shards exceed this worker's limit of {limits.MaxShards} per job; raise shardSize."));
        if (duplicate is not null)
            problems.Add(new("images", $"image '{duplicate}' would share its output id '{JobLayout.ImageId(spec, duplicate)}' with another image of the job."));
        if (problems.Count > 0) return (null, problems);
        if (spec.Output.Layout == "auto") spec = spec with { Output = spec.Output with { Layout = images > ArchiveAbove ? "archive" : "files" } };
        return (new JobPlan(jobId, spec, (int)shardCount, (int)images), problems);
    }

    /// <summary>The job's shards in order, one at a time, cut from the same images <see cref="PlanAsync"/> counted.</summary>
    public async IAsyncEnumerable<IReadOnlyList<ShardImage>> ShardsAsync(AuditJobSpec spec, [EnumeratorCancellation] CancellationToken ct)
    {
        var shard = new List<ShardImage>(spec.ShardSize);
        await foreach (var image in ImagesAsync(spec, problems: null, ct))
        {
            shard.Add(image);
            if (shard.Count < spec.ShardSize) continue;
            yield return shard;
            shard = new List<ShardImage>(spec.ShardSize);
        }
        if (shard.Count > 0) yield return shard;
    }

    /// <summary>
    /// The job's images in order. With <c>images.limit</c> and more images than that: the <c>limit</c> images of lowest seeded hash,
    /// by name (a bounded heap of them, not a sort of all).
    /// </summary>
    async IAsyncEnumerable<ShardImage> ImagesAsync(AuditJobSpec spec, List<ValidationProblem>? problems, [EnumeratorCancellation] CancellationToken ct)
    {
        var source = spec.Images.Manifest is null ? ListedAsync(spec, ct) : ManifestAsync(spec, problems, ct);
        if (spec.Images.Limit is not { } limit)
        {
            await foreach (var image in source) yield return image;
            yield break;
        }
        // Highest (hash, order) on top, so the heap keeps the lowest: a stable sort by hash would take the same ones.
        var kept = new PriorityQueue<(ShardImage Image, long Order), (ulong Hash, long Order)>(
            Comparer<(ulong Hash, long Order)>.Create((a, b) => b.Hash != a.Hash ? b.Hash.CompareTo(a.Hash) : b.Order.CompareTo(a.Order)));
        long order = 0;
        await foreach (var image in source)
        {
            var key = (StableHash(spec.Images.SampleSeed, image.Blob), order);
            if (kept.Count < limit) kept.Enqueue((image, order), key);
            else if (kept.TryPeek(out _, out var top) && (key.Item1 < top.Hash || (key.Item1 == top.Hash && order < top.Order))) kept.DequeueEnqueue((image, order), key);
            order++;
        }
        var chosen = kept.UnorderedItems.Select(x => x.Element).ToList();
        // Fewer images than the limit: all of them, in their own order; more: the sample, by name.
        var ordered = order <= limit ? chosen.OrderBy(x => x.Order).Select(x => x.Image) : chosen.Select(x => x.Image).OrderBy(i => i.Blob, StringComparer.Ordinal);
        foreach (var image in ordered) yield return image;
    }

    async IAsyncEnumerable<ShardImage> ListedAsync(AuditJobSpec spec, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var page in store.ListPagesAsync(spec.Images.Container, spec.Images.Prefix, ct))
            foreach (var name in page)
                if (Extensions.Contains(Path.GetExtension(name))) yield return new ShardImage(name, null, null);
    }

    async IAsyncEnumerable<ShardImage> ManifestAsync(AuditJobSpec spec, List<ValidationProblem>? problems, [EnumeratorCancellation] CancellationToken ct)
    {
        byte[]? bytes;
        try
        {
            bytes = await store.ReadAsync(spec.Images.Container, spec.Images.Manifest!, ct, maxManifestBytes);
        }
        catch (BlobTooLargeException e)
        {
            throw new XaiVisionException($"The manifest is too large: {e.Message.TrimEnd('.')} (Worker:MaxManifestBytes).");
        }
        if (bytes is null) throw new XaiVisionException($"The manifest '{spec.Images.Container}/{spec.Images.Manifest}' disappeared while the job was planned.");
        foreach (var image in ParseManifest(Encoding.UTF8.GetString(bytes), spec, problems)) yield return image;
    }

    async Task<bool> Exists(string reference, CancellationToken ct)
    {
        var (container, name) = BlobNames.Split(reference);
        return await store.ExistsAsync(container, name, ct);
    }

    /// <summary>The manifest's rows (<see cref="ImageManifest"/>), paths resolved against the manifest's folder; problems go to <paramref name="problems"/>.</summary>
    static IEnumerable<ShardImage> ParseManifest(string text, AuditJobSpec spec, List<ValidationProblem>? problems)
    {
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
        foreach (var (row, problem) in ImageManifest.Read(text))
        {
            if (problem is { } p)
            {
                problems?.Add(new ValidationProblem(p.Line == 0 ? "images.manifest" : $"images.manifest[{p.Line}]", p.Problem));
                continue;
            }
            var blob = Resolve(row!.Path);
            if (!BlobNames.IsSafePath(blob)) problems?.Add(new($"images.manifest[{row.Line}]", $"'{row.Path}' is not a safe path."));
            else yield return new ShardImage(blob, row.Label, row.Mask is null ? null : Resolve(row.Mask));
        }
    }

    internal static ulong StableHash(int seed, string text)
    {
        ulong hash = 1469598103934665603UL ^ (ulong)seed;
        foreach (var b in Encoding.UTF8.GetBytes(text)) hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }
}
