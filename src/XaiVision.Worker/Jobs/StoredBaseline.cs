using System.Text.Json;
using XaiVision.Contracts;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Strategies;
using XaiVision.Engine.Suites;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// <c>baseline: { job: &lt;id&gt; }</c>: an earlier job's stored results as the baseline, instead of a second model run. When the new job
/// aggregates, each of its records gets, per map, a <see cref="ComparisonRecord"/> against the stored record of the same image, method
/// and class: prediction change, attention drift measured on the two runs' thumbnails (Spearman, SSIM, top-10 % IoU, centre shift —
/// the S×S forms of the two-model figures) and metric deltas; so the regression table, the bootstrap intervals and the gates work as
/// with a baseline model. The stored job's strategies are matched with the new ones (<see cref="StrategyComparison"/>), and its concept
/// atlas's with the new atlas (<see cref="ConceptComparison"/>: new and vanished concepts).
/// Memory: the stored run's thumbnails and metric values, ≈ 2 S² + 100 bytes per map (2.1 KB at S = 32; 42 MB for 10,000 images × 2
/// methods), read once, shard by shard.
/// </summary>
public sealed class StoredBaseline
{
    sealed record Map(Half[] Thumbnail, IReadOnlyDictionary<string, double>? Metrics);
    sealed record Entry(ClassScore Prediction, Dictionary<(string Method, long Class), Map> Maps);

    readonly Dictionary<string, Entry> _images = new(StringComparer.Ordinal);

    public required Guid JobId { get; init; }
    public IReadOnlyList<StrategyGroup> Strategies { get; private init; } = [];
    public ConceptAtlas? Concepts { get; private init; }
    public int Images => _images.Count;

    /// <summary>What makes a stored job usable as this spec's baseline: it exists, it finished, it explained the same targets with the same methods.</summary>
    public static async Task<IReadOnlyList<ValidationProblem>> CheckAsync(JobStore jobs, AuditJobSpec spec, CancellationToken ct)
    {
        var id = Guid.Parse(spec.Baseline!.Job!);
        if (await jobs.ReadIndexAsync(id, ct) is not { } entry) return [new("baseline.job", $"job {id} is not known here (no entry in the job index).")];
        if (await jobs.ReadReportAsync(entry.Location, ct) is null)
            return [new("baseline.job", $"job {id} has no report: it has not finished (or failed); only a finished job can be a baseline.")];
        var stored = (await jobs.ReadPlanAsync(entry.Location, ct))!.Spec;
        var problems = new List<ValidationProblem>();
        if (!string.Equals(stored.Targets.Trim(), spec.Targets.Trim(), StringComparison.OrdinalIgnoreCase))
            problems.Add(new("baseline.job", $"job {id} explained targets '{stored.Targets}', this job '{spec.Targets}': their maps do not compare."));
        var missing = spec.Suite.Explainers.Except(stored.Suite.Explainers, StringComparer.OrdinalIgnoreCase).ToList();
        if (missing.Count > 0)
            problems.Add(new("baseline.job", $"job {id} did not run {string.Join(", ", missing)} (it ran {string.Join(", ", stored.Suite.Explainers)})."));
        if (stored.Analysis is { Count: 0 }) problems.Add(new("baseline.job", $"job {id} ran without strategy analysis, so it stored no map thumbnails to compare."));
        return problems;
    }

    public static async Task<StoredBaseline> LoadAsync(JobStore jobs, Guid id, CancellationToken ct)
    {
        var entry = await jobs.ReadIndexAsync(id, ct) ?? throw new Engine.XaiVisionException($"The baseline job {id} is no longer in the job index.");
        var plan = await jobs.ReadPlanAsync(entry.Location, ct) ?? throw new Engine.XaiVisionException($"The baseline job {id} has no job.json.");
        var strategies = await jobs.ReadArtefactAsync(entry.Location, "strategies.json", ct);
        var baseline = new StoredBaseline
        {
            JobId = id,
            Strategies = strategies is null ? [] : JsonSerializer.Deserialize<List<StrategyGroup>>(strategies, AuditJson.Options) ?? [],
            Concepts = (await jobs.ReadReportAsync(entry.Location, ct))?.Concepts,
        };
        await foreach (var record in ShardResults.ReadAsync(jobs, entry.Location, plan.ShardCount, null, ct))
        {
            if (record.Error is not null || record.Prediction is null) continue;
            baseline._images[record.Image] = new Entry(record.Prediction, record.Explanations.Where(e => e.Thumbnail is not null)
                .ToDictionary(e => (e.Method, e.Target.Index), e => new Map(MapThumbnail.DecodeHalves(e.Thumbnail!), e.Metrics)));
        }
        return baseline;
    }

    /// <summary>The record with each map compared with the stored one; maps (or images) the stored run lacks stay uncompared.</summary>
    public ImageRecord Compare(ImageRecord record)
    {
        if (record.Error is not null || !_images.TryGetValue(record.Image, out var stored)) return record;
        bool changed = record.Prediction!.Index != stored.Prediction.Index;
        return record with
        {
            Explanations = record.Explanations.Select(e =>
            {
                if (e.Thumbnail is null || !stored.Maps.TryGetValue((e.Method, e.Target.Index), out var map)) return e;
                var now = MapThumbnail.Decode(e.Thumbnail);
                var before = MapThumbnail.ToFloats(map.Thumbnail);
                int width = MapThumbnail.SizeOf(now.Length) ?? 1;
                var deltas = (e.Metrics ?? new Dictionary<string, double>()).Where(m => map.Metrics?.ContainsKey(m.Key) == true)
                    .ToDictionary(m => m.Key, m => m.Value - map.Metrics![m.Key]);
                return e with
                {
                    Comparison = new ComparisonRecord(stored.Prediction, changed, MapSimilarity.Spearman(now, before),
                        MapSimilarity.Ssim(now, before, width), MapSimilarity.TopIou(now, before),
                        ModelComparison.CentreShift(now, before, width), deltas),
                };
            }).ToList(),
        };
    }
}
