using Microsoft.Extensions.Logging;
using XaiVision.Engine;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Suites;

namespace XaiVision.Worker.Jobs;

/// <summary>What a run explains with and where it reads and writes; with strategy analysis, the thumbnails' size.</summary>
public sealed record ShardWork(SuiteRun Run, LoadedModel Model, LoadedModel? Baseline, IImageSource Source, IArtefactSink Sink, ShardLimits Limits,
    bool Overlays = true, bool RawMaps = true, bool Timings = false, int? Thumbnails = null);

/// <summary>A run's records (one per image, in input order), how many failed, and the stage timings (milliseconds, summed over batches).</summary>
public sealed record ShardResult(IReadOnlyList<ImageRecord> Records, int Failed, IReadOnlyDictionary<string, double> StageMilliseconds);

/// <summary>
/// The one execution path of an audit, for a job's shard and for <c>explain</c> alike: images in batches through
/// <see cref="ShardInputs"/> (read, decode, masks), <see cref="SuiteExecution"/> (suite, memory splits, time limit, baseline)
/// and <see cref="ShardOutputs"/> (records, maps). With <see cref="ShardLimits.Prefetch"/> the next batch loads while this one
/// computes. An image that cannot be read, a batch the engine fails and images past the deadline become error records; the
/// rest go on. Passing the job's own deadline throws (the job fails as a whole); cancellation abandons the run.
/// </summary>
public sealed class ShardRunner(ILogger<ShardRunner> log, TimeProvider clock)
{
    public async Task<ShardResult> RunAsync(ShardWork work, IReadOnlyList<AuditImage> images, ShardDeadline deadline,
        IProgress<BatchProgress>? progress, CancellationToken ct)
    {
        var inputs = new ShardInputs(work.Source, work.Model.Model.Preprocessing, work.Limits);
        var execution = new SuiteExecution(work.Limits.Budget, log);
        var outputs = new ShardOutputs(work.Sink, work.Overlays, work.RawMaps, work.Timings, work.Thumbnails);
        var records = new List<ImageRecord>();
        var stages = new Dictionary<string, double>();
        int failed = 0, done = 0;
        var batches = images.Chunk(work.Limits.BatchSize).ToList();
        Task<ShardInputs.Batch>? next = null;
        void Fail(IEnumerable<AuditImage> batch, string reason)
        {
            foreach (var image in batch) records.Add(ImageRecord.Failure(image.Source, image.Name, reason));
        }
        for (int b = 0; b < batches.Count; b++, progress?.Report(new BatchProgress(done, images.Count, failed)))
        {
            var batch = batches[b];
            done += batch.Length;
            ct.ThrowIfCancellationRequested(); // shutting down: abandon; a shard is redelivered and redone
            var now = clock.GetUtcNow(); // read once per batch: what is left of the limit is this batch's budget
            if (now > deadline.At) // checked before downloading: images past the limit are not fetched
            {
                if (deadline.JobFailure is { } jobFailure) throw new XaiVisionException(jobFailure);
                Fail(batch, $"Not explained: {deadline.Reason}.");
                failed += batch.Length;
                next = null;
                continue;
            }
            var loaded = await (next ?? inputs.LoadAsync(batch, ct));
            next = work.Limits.Prefetch && b + 1 < batches.Count ? inputs.LoadAsync(batches[b + 1], ct) : null;
            records.AddRange(loaded.Errors);
            failed += loaded.Errors.Count;
            if (loaded.Ready.Count == 0) continue;
            try
            {
                var budget = deadline.Left(now);
                var suiteInputs = loaded.Ready.Select(r => r.Input).ToList();
                var result = await execution.RunAsync(work.Model, work.Run, suiteInputs, budget, ct);
                foreach (var (stage, ms) in result.StageMilliseconds) stages[stage] = stages.GetValueOrDefault(stage) + ms;
                var comparisons = work.Baseline is null ? null : await execution.CompareAsync(work.Baseline, work.Run, suiteInputs, result, budget, ct);
                var write = System.Diagnostics.Stopwatch.StartNew();
                records.AddRange(await outputs.WriteAsync(loaded.Ready, result, comparisons, ct));
                stages["write"] = stages.GetValueOrDefault("write") + write.Elapsed.TotalMilliseconds;
            }
            catch (TimeoutException) when (deadline.JobFailure is { } jobFailure)
            {
                throw new XaiVisionException(jobFailure);
            }
            catch (Exception e) when (e is TimeoutException || EngineFaults.IsEngineFault(e, ct))
            {
                // The batch's images fail with the reason; the rest go on (a timed-out batch: the deadline stops the rest).
                var reason = e is TimeoutException ? $"Not explained: {deadline.Reason}." : EngineFaults.Describe(e);
                if (e is not (TimeoutException or XaiVisionException)) log.LogError("Batch of {Images} images failed: {Reason}", loaded.Ready.Count, reason);
                Fail(loaded.Ready.Select(r => r.Image), reason);
                failed += loaded.Ready.Count;
            }
        }
        var order = images.Select((image, i) => (image.Name, i)).GroupBy(x => x.Name).ToDictionary(g => g.Key, g => g.First().i);
        return new ShardResult(records.OrderBy(r => order.GetValueOrDefault(r.Name)).ToList(), failed, stages);
    }
}
