using Microsoft.Extensions.Options;
using XaiVision.Contracts;
using XaiVision.Engine;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Memory;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Storage;
using XaiVision.Worker.Telemetry;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// Audits one shard of a job: loads its models (cached), compiles its spec (<see cref="JobCompiler"/>), runs its images through
/// the <see cref="ShardRunner"/> with the worker's limits, and creates its result <c>shards/NNNNN.json</c> (create-if-absent: a
/// redelivered shard whose result exists is not redone). A model that cannot load, or the job's deadline passing, throws
/// <see cref="XaiVisionException"/>: the job fails as a whole.
/// </summary>
public sealed class ShardProcessor(JobStore jobs, IBlobStore store, ModelCache models, ShardRunner runner, IOptions<WorkerOptions> options, TimeProvider clock)
{
    readonly MemoryBudget? _budget = options.Value.MemoryBudgetMiB > 0 ? new MemoryBudget((long)(options.Value.MemoryBudgetMiB * 1024 * 1024)) : null;

    static string Frame(LoadedModel m) => $"{m.Model.Preprocessing.InputSize} px inputs ({m.Model.Preprocessing.Mode.Name()})";

    public sealed record Outcome(bool AlreadyDone, int Images, int Failed);

    public async Task<Outcome> ProcessAsync(AuditShard shard, CancellationToken ct)
    {
        var (spec, location) = (shard.Spec, shard.Spec.Location());
        if (await jobs.ShardDoneAsync(location, shard.ShardIndex, ct)) return new Outcome(true, shard.Images.Count, 0);

        var model = await models.GetAsync(spec.Model, ct);
        var baseline = spec.Baseline is null or { Job: not null } ? null : await models.GetAsync(spec.Baseline, ct); // a stored run is compared when aggregating
        if (baseline is not null && (baseline.Model.Preprocessing.InputSize, baseline.Model.Preprocessing.Mode) != (model.Model.Preprocessing.InputSize, model.Model.Preprocessing.Mode))
            throw new XaiVisionException($"The baseline model takes {Frame(baseline)} and the candidate {Frame(model)}; their maps cannot be compared.");
        var job = JobCompiler.CompileOrThrow(spec, model.Model.Architecture);
        var limits = options.Value;
        var archive = spec.Output.Layout == "archive" ? new ShardArchive() : null;
        var work = new ShardWork(job.Run, model, baseline, new BlobImageSource(store, spec.Images.Container), archive ?? (IArtefactSink)new JobArtefactSink(jobs, location),
            new ShardLimits(limits.BatchSize, limits.DecodeLimits, limits.PrefetchNextBatch, _budget), spec.Output.Overlays, spec.Output.RawMaps,
            Thumbnails: job.Report.Strategies?.Size);
        var images = shard.Images.Select(i => new AuditImage(i.Blob, JobLayout.RecordName(spec, i.Blob), i.Label, i.Mask)).ToList();
        var result = await runner.RunAsync(work, images, Deadline(shard, limits), null, ct);
        await ShardMetaEvaluation.RunAsync(jobs, location, shard, job, model, work.Source, work.Limits, images, ct);
        foreach (var (stage, ms) in result.StageMilliseconds)
            WorkerTelemetry.StageMilliseconds.Record(ms, new KeyValuePair<string, object?>("stage", stage));
        var records = result.Records;
        if (archive is { IsEmpty: false })
        {
            // The zip first, then the records that name it: a result never points at a missing archive.
            await jobs.WriteArtefactAsync(location, ShardArchive.Name(shard.ShardIndex), archive.Zip(), ct);
            records = records.Select(r => r.Error is null ? r with { Archive = ShardArchive.Name(shard.ShardIndex) } : r).ToList();
        }
        bool created = await jobs.TryCreateShardAsync(location, shard.ShardIndex, records, ct);
        return new Outcome(!created, shard.Images.Count, result.Failed);
    }

    /// <summary>
    /// The shard's time limit: <c>Worker:MaxSecondsPerImage</c> × images, at most <c>Worker:MaxShardSeconds</c> (below the broker's
    /// consumer timeout), and never past the job's deadline; with the words that say which limit it was.
    /// </summary>
    ShardDeadline Deadline(AuditShard shard, WorkerOptions limits)
    {
        var now = clock.GetUtcNow();
        var perImage = (double)limits.MaxSecondsPerImage * shard.Images.Count;
        var own = perImage <= limits.MaxShardSeconds
            ? new ShardDeadline(now + TimeSpan.FromSeconds(perImage), $"the shard ran past its time limit ({limits.MaxSecondsPerImage} s per image, Worker:MaxSecondsPerImage)")
            : new ShardDeadline(now + TimeSpan.FromSeconds(limits.MaxShardSeconds), $"the shard ran past its time limit ({limits.MaxShardSeconds} s, Worker:MaxShardSeconds)");
        return shard.Deadline is { } job && job < own.At
            ? new ShardDeadline(job, "the job passed its deadline",
                $"The job passed its deadline ({job:u}) while shard {shard.ShardIndex + 1}/{shard.ShardCount} was running (Jobs:MaxJobMinutes, or the spec's maxMinutes).")
            : own;
    }
}
