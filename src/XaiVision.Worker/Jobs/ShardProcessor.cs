using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XaiVision.Contracts;
using XaiVision.Engine;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Memory;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Perturbations;
using XaiVision.Engine.Pipeline;
using XaiVision.Engine.Suites;
using XaiVision.Worker.Hosting;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// Audits one shard: reads each image (and mask), runs the suite in batches, writes maps under
/// <c>images/&lt;id&gt;/</c> and the shard result <c>shards/NNNNN.json</c> (create-if-absent: a
/// redelivered shard whose result exists is not redone). Unreadable images become error records.
/// Records carry no timings, so a rerun stores byte-identical results. Limits per image (bytes, pixels, seconds)
/// come from <see cref="WorkerOptions"/>; a batch that runs out of memory is split (<see cref="AdaptiveSuiteRunner"/>).
/// </summary>
public sealed class ShardProcessor(IBlobStore store, ModelCache models, IOptions<WorkerOptions> options, ILogger<ShardProcessor> log, TimeProvider clock)
{
    readonly MemoryBudget? _budget = options.Value.MemoryBudgetMiB > 0 ? new MemoryBudget((long)(options.Value.MemoryBudgetMiB * 1024 * 1024)) : null;

    public sealed record Outcome(bool AlreadyDone, int Images, int Failed);

    public async Task<Outcome> ProcessAsync(AuditShard shard, CancellationToken ct)
    {
        var spec = shard.Spec;
        var resultName = JobLayout.Shard(spec, shard.ShardIndex);
        if (await store.ExistsAsync(spec.Output.Container, resultName, ct)) return new Outcome(true, shard.Images.Count, 0);

        var cached = await models.GetAsync(spec.Model, ct); // XaiVisionException: the job fails (the consumer says so once)
        var baseline = spec.Baseline is null ? null : await models.GetAsync(spec.Baseline, ct);
        if (baseline is not null && baseline.Model.Preprocessing.InputSize != cached.Model.Preprocessing.InputSize)
            throw new XaiVisionException($"The baseline model takes {baseline.Model.Preprocessing.InputSize} px inputs and the candidate {cached.Model.Preprocessing.InputSize} px; their maps cannot be compared.");
        var suite = SuiteCompiler.CompileOrThrow(spec.Suite.Explainers, spec.Suite.Perturbations, spec.Suite.Metrics, SuiteCompiler.Paths.JobSpec,
            cached.Model.Architecture).ToSpec(TargetSelection.Parse(spec.Targets), spec.Suite.Seed);
        var records = new List<ImageRecord>();
        int failed = 0;
        var model = cached.Model;
        var limits = options.Value;
        var (deadline, limitReason, jobDeadline) = Deadline(shard, limits);
        // Past the job's own deadline the job fails as a whole (the consumer fails it once); past the shard's limit, images fail.
        XaiVisionException JobPastDeadline() => new($"The job passed its deadline ({deadline:u}) while shard {shard.ShardIndex + 1}/{shard.ShardCount} was running (Jobs:MaxJobMinutes, or the spec's maxMinutes).");

        // Worker:PrefetchNextBatch: a bounded pipeline — the next batch downloads and decodes while this one computes.
        var batches = shard.Images.Chunk(limits.BatchSize).ToList();
        Task<LoadedBatch>? next = null;
        for (int b = 0; b < batches.Count; b++)
        {
            var batch = batches[b];
            ct.ThrowIfCancellationRequested(); // shutting down: abandon; the shard is redelivered and redone
            var now = clock.GetUtcNow(); // read once per batch: what is left of the limit is this batch's budget
            if (now > deadline) // checked before downloading: images past the limit are not fetched
            {
                if (jobDeadline) throw JobPastDeadline();
                foreach (var image in batch)
                    records.Add(new ImageRecord(image.Blob, JobLayout.ImageId(spec, image.Blob), null, null, null, [], [], $"Not explained: {limitReason}."));
                failed += batch.Length;
                next = null;
                continue;
            }
            var loaded = await (next ?? LoadAsync(spec, batch, model.Preprocessing, ct));
            next = limits.PrefetchNextBatch && b + 1 < batches.Count ? LoadAsync(spec, batches[b + 1], model.Preprocessing, ct) : null;
            records.AddRange(loaded.Errors);
            failed += loaded.Errors.Count;
            var ready = loaded.Ready;
            if (ready.Count == 0) continue;

            SuiteBatch result;
            try
            {
                result = await RunAsync(cached, suite, ready.Select(r => r.View).ToList(), ready.Select(r => r.Mask).ToList(), ready.Select(r => r.Image.Label).ToList(), deadline - now, ct);
            }
            catch (TimeoutException) when (jobDeadline)
            {
                throw JobPastDeadline();
            }
            catch (Exception e) when (e is TimeoutException || EngineFaults.IsEngineFault(e, ct))
            {
                // The batch's images fail with the reason; the rest of the shard goes on (a timed-out batch: the deadline stops it).
                var reason = e is TimeoutException ? $"Not explained: {limitReason}." : EngineFaults.Describe(e);
                if (e is not (TimeoutException or XaiVisionException)) log.LogError("Batch of {Images} images failed: {Reason}", ready.Count, reason);
                foreach (var r in ready) records.Add(new ImageRecord(r.Image.Blob, JobLayout.ImageId(spec, r.Image.Blob), null, null, null, [], [], reason));
                failed += ready.Count;
                continue;
            }
            foreach (var (stage, ms) in result.StageMilliseconds)
                WorkerTelemetry.StageMilliseconds.Record(ms, new KeyValuePair<string, object?>("stage", stage));

            var comparisons = baseline is null ? null : await CompareAsync(baseline, suite, ready.Select(r => (r.View, r.Mask)).ToList(), result, deadline - now, ct);
            var artefacts = new List<(string Name, byte[] Bytes)>();
            var builder = new RecordBuilder(spec.Output.Overlays, spec.Output.RawMaps, (relative, bytes) => artefacts.Add((relative, bytes)));
            for (int i = 0; i < ready.Count; i++)
            {
                var record = builder.Build(ready[i].Image.Blob, "images/" + JobLayout.ImageId(spec, ready[i].Image.Blob), result.Images[i]);
                if (comparisons is not null)
                    record = record with { Explanations = record.Explanations.Select((e, m) => e with { Comparison = comparisons[i][m] }).ToList() };
                records.Add(record);
            }
            foreach (var (name, bytes) in artefacts)
                await store.WriteAsync(spec.Output.Container, JobLayout.Artefact(spec, name), bytes, name.EndsWith(".png") ? "image/png" : "application/octet-stream", ct);
        }

        var ordered = records.OrderBy(r => r.Image, StringComparer.Ordinal).ToList();
        var json = JsonSerializer.SerializeToUtf8Bytes(ordered, ExplainRunner.Json);
        bool created = await store.TryCreateAsync(spec.Output.Container, resultName, json, "application/json", ct);
        return new Outcome(!created, shard.Images.Count, failed);
    }

    /// <summary>The baseline explains the same images for the candidate's classes (no perturbations), then each map is compared.</summary>
    async Task<List<IReadOnlyList<ComparisonRecord>>> CompareAsync(ModelCache.CachedModel baseline, SuiteSpec suite,
        List<(RgbImage View, bool[]? Mask)> images, SuiteBatch candidate, TimeSpan budget, CancellationToken ct)
    {
        var classes = candidate.Images.Select(i => (int?)(int)i.Maps[0].Target.Index).ToList();
        var spec = suite with { Target = TargetSelection.Parse("label"), Perturbations = [] };
        var reference = await RunAsync(baseline, spec, images.Select(i => i.View).ToList(), images.Select(i => i.Mask).ToList(), classes, budget, ct);
        return candidate.Images.Zip(reference.Images, ModelComparison.Compare).ToList();
    }

    /// <summary>
    /// The shard's time limit: <c>Worker:MaxSecondsPerImage</c> × images, at most <c>Worker:MaxShardSeconds</c> (below the broker's
    /// consumer timeout), and never past the job's deadline; with the words that say which limit it was.
    /// </summary>
    (DateTimeOffset Deadline, string Reason, bool IsJobDeadline) Deadline(AuditShard shard, WorkerOptions limits)
    {
        var now = clock.GetUtcNow();
        var perImage = (double)limits.MaxSecondsPerImage * shard.Images.Count;
        var (deadline, reason) = perImage <= limits.MaxShardSeconds
            ? (now + TimeSpan.FromSeconds(perImage), $"the shard ran past its time limit ({limits.MaxSecondsPerImage} s per image, Worker:MaxSecondsPerImage)")
            : (now + TimeSpan.FromSeconds(limits.MaxShardSeconds), $"the shard ran past its time limit ({limits.MaxShardSeconds} s, Worker:MaxShardSeconds)");
        return shard.Deadline is { } job && job < deadline ? (job, "the job passed its deadline", true) : (deadline, reason, false);
    }

    /// <summary>
    /// Runs a suite batch on a cached model, one shard at a time per model (explainers attach hooks to it); a batch that
    /// runs out of memory is split, and the size that fitted is kept with the model for later batches. A batch still running
    /// when its <paramref name="budget"/> (what was left of the shard's limit when it started) is spent is abandoned with a <see cref="TimeoutException"/> (native code cannot be interrupted): it frees the
    /// model when it ends, and until then later batches wait for the model only until their own deadline.
    /// </summary>
    async Task<SuiteBatch> RunAsync(ModelCache.CachedModel cached, SuiteSpec suite, List<RgbImage> views, List<bool[]?> masks, List<int?> labels,
        TimeSpan budget, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan Remaining() => budget - started.Elapsed is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
        if (!await cached.Gate.WaitAsync(Remaining(), ct)) throw new TimeoutException();
        Task<SuiteBatch> work;
        try
        {
            work = Task.Run(() =>
            {
                var runner = new AdaptiveSuiteRunner(cached.Model, suite, _budget) { BatchLimit = cached.BatchLimit };
                var result = runner.Run(views, masks, labels);
                if (runner.Splits > 0)
                {
                    log.LogWarning("Out of memory at a batch of {Batch}: split {Splits} times; batches of at most {Limit} from now on", views.Count, runner.Splits, runner.BatchLimit);
                    WorkerTelemetry.BatchSplits.Add(runner.Splits);
                }
                cached.BatchLimit = runner.BatchLimit;
                return result;
            }, CancellationToken.None);
        }
        catch
        {
            cached.Gate.Release();
            throw;
        }
        _ = work.ContinueWith(_ => cached.Gate.Release(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return await work.WaitAsync(Remaining(), ct);
    }

    sealed record LoadedBatch(List<(ShardImage Image, RgbImage View, bool[]? Mask)> Ready, List<ImageRecord> Errors);

    /// <summary>Downloads and decodes a batch's images (and masks) concurrently; an unreadable image becomes an error record.</summary>
    async Task<LoadedBatch> LoadAsync(AuditJobSpec spec, ShardImage[] batch, Preprocessing preprocessing, CancellationToken ct)
    {
        var limits = options.Value;
        var loads = batch.Select(async image =>
        {
            try
            {
                var bytes = await store.ReadAsync(spec.Images.Container, image.Blob, ct, limits.MaxImageBytes)
                    ?? throw new XaiVisionException($"Image blob '{spec.Images.Container}/{image.Blob}' does not exist.");
                var view = await Task.Run(() => ImagePreparer.ToModelView(ImageDecoder.Decode(bytes, image.Blob, limits.DecodeLimits), preprocessing), ct);
                return (Image: image, View: (RgbImage?)view, Mask: await MaskAsync(spec, image, preprocessing, ct), Error: (string?)null);
            }
            catch (XaiVisionException e)
            {
                return (Image: image, View: null, Mask: null, Error: e.Message);
            }
        }).ToList();
        var results = await Task.WhenAll(loads);
        return new LoadedBatch(
            results.Where(r => r.Error is null).Select(r => (r.Image, r.View!, r.Mask)).ToList(),
            results.Where(r => r.Error is not null).Select(r => new ImageRecord(r.Image.Blob, JobLayout.ImageId(spec, r.Image.Blob), null, null, null, [], [], r.Error)).ToList());
    }

    async Task<bool[]?> MaskAsync(AuditJobSpec spec, ShardImage image, Preprocessing preprocessing, CancellationToken ct)
    {
        if (image.Mask is null) return null;
        var bytes = await store.ReadAsync(spec.Images.Container, image.Mask, ct, options.Value.MaxImageBytes)
            ?? throw new XaiVisionException($"Mask blob '{spec.Images.Container}/{image.Mask}' does not exist.");
        return GroundTruthMask.FromEncoded(bytes, image.Mask, preprocessing);
    }
}
