using XaiVision.Engine.Reports;
using XaiVision.Engine.Suites;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// The output step of a run: each image's record (with its baseline comparison, if any) and its maps and overlays, written to the
/// sink under the image's name. Without timings the records are a pure function of the inputs (a rerun stores the same bytes).
/// </summary>
public sealed class ShardOutputs(IArtefactSink sink, bool overlays, bool rawMaps, bool timings, int? thumbnails = null)
{
    public const int WritesInFlight = 8;

    public async Task<List<ImageRecord>> WriteAsync(IReadOnlyList<ShardInputs.ReadyImage> images, SuiteBatch result,
        SuiteExecution.Comparison? comparison, CancellationToken ct)
    {
        var artefacts = new List<(string Name, byte[] Bytes)>();
        var builder = new RecordBuilder(overlays, rawMaps, (relative, bytes) => artefacts.Add((relative, bytes))) { ThumbnailSize = thumbnails };
        var methods = result.Images.SelectMany(i => i.Maps).Select(m => m.Method).Distinct().ToList();
        Func<string, double>? milliseconds = timings ? method => StageTimes.ForMethod(result.StageMilliseconds, method, methods) / images.Count : null;
        var records = new List<ImageRecord>();
        for (int i = 0; i < images.Count; i++)
        {
            var record = builder.Build(images[i].Image.Source, images[i].Image.Name, result.Images[i], milliseconds);
            if (comparison is not null)
            {
                var compared = builder.WithPictures(images[i].Image.Name, result.Images[i], comparison.Baseline.Images[i], comparison.Records[i]);
                record = record with { Explanations = record.Explanations.Select((e, m) => e with { Comparison = compared[m] }).ToList() };
            }
            records.Add(record);
        }
        // Storage latency, not bandwidth, bounds a shard's many small writes: several in flight at once.
        await Parallel.ForEachAsync(artefacts, new ParallelOptions { MaxDegreeOfParallelism = WritesInFlight, CancellationToken = ct },
            async (artefact, token) => await sink.WriteAsync(artefact.Name, artefact.Bytes, token));
        return records;
    }
}
