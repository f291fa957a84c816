using System.Text.Json;
using XaiVision.Contracts;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.MetaEvaluation;
using XaiVision.Engine.Reports;
using static TorchSharp.torch;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// A shard's part of the job's meta-evaluation (<c>analysis: ["meta-evaluation(images=16,perturbations=3)"]</c>): the first of its
/// images, its share of the sample, explained and scored by the job's suite clean and under MetaQuantus's perturbations
/// (<see cref="MetaEvaluator.Collect"/>), for the predicted classes, written as <c>meta/NNNNN.json</c> before the shard's result, so
/// the aggregation finds every finished shard's part and pools them (<see cref="ReadAsync"/>). The model's gate is held throughout:
/// its weights are perturbed in place, and no other shard of this worker may use it meanwhile.
/// </summary>
public static class ShardMetaEvaluation
{
    public static string Name(int shard) => $"meta/{shard:D5}.json";

    public static async Task RunAsync(JobStore jobs, JobLocation location, AuditShard shard, CompiledJob job, LoadedModel model, IImageSource source,
        ShardLimits limits, IReadOnlyList<AuditImage> images, CancellationToken ct)
    {
        if (job.Report.MetaEvaluation is not { } options) return;
        var share = images.Take(options.ShardShare(shard.ShardIndex, shard.ShardCount, images.Count)).ToList();
        var batch = await new ShardInputs(source, model.Model.Preprocessing, limits).LoadAsync(share, ct);
        if (batch.Ready.Count < 2) return;
        await model.Gate.WaitAsync(ct);
        MetaScores scores;
        try
        {
            scores = await Task.Run(() =>
            {
                using var scope = NewDisposeScope();
                var inputs = ImagePreparer.ToBatch(batch.Ready.Select(r => r.Input.View).ToList(), model.Model.Preprocessing).to(model.Model.Device);
                Tensor targets;
                using (no_grad()) targets = model.Model.Forward(inputs).argmax(1);
                return MetaEvaluator.Collect(model.Model, job.Suite.Explainers, job.Suite.Metrics, inputs, targets,
                    batch.Ready.Select(r => r.Input.Mask).ToList(), job.Run.Seed, options.Perturbations);
            }, ct);
        }
        finally
        {
            model.Gate.Release();
        }
        await jobs.WriteArtefactAsync(location, Name(shard.ShardIndex), JsonSerializer.SerializeToUtf8Bytes(scores, AuditJson.Options), ct);
    }

    /// <summary>Every shard's part that exists, pooled into the criteria per output; null when the job asked for none or no shard wrote one.</summary>
    public static async Task<IReadOnlyList<MetaConsistency>?> ReadAsync(JobStore jobs, JobLocation location, int shards, CancellationToken ct)
    {
        var parts = new List<MetaScores>();
        for (int i = 0; i < shards; i++)
            if (await jobs.ReadArtefactAsync(location, Name(i), ct) is { } bytes)
                parts.Add(JsonSerializer.Deserialize<MetaScores>(bytes, AuditJson.Options)!);
        return parts.Count == 0 ? null : MetaEvaluator.Summarise(parts);
    }
}
