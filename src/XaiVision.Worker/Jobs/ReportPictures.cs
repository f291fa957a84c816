using XaiVision.Engine.Reports;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// The archive layout keeps a shard's pictures in one zip, which a browser cannot show: before the report is written, the pictures
/// of the images it shows (best and worst, sweep strips, regression rows — a few dozen) are copied out of their archives to the paths
/// the files layout would have used, so <c>report.html</c> reads the same in either layout. Each archive is read once.
/// </summary>
public static class ReportPictures
{
    /// <param name="shown">The images the report shows pictures of (<see cref="ReportModel.Shown"/>).</param>
    public static async Task<int> ExtractAsync(JobStore jobs, JobLocation job, IReadOnlyList<ImageRecord> shown, CancellationToken ct)
    {
        int written = 0;
        foreach (var archive in shown.Where(r => r.Archive is not null).GroupBy(r => r.Archive!))
        {
            var wanted = archive.SelectMany(Pictures).ToHashSet(StringComparer.Ordinal);
            var zip = await jobs.ReadArtefactAsync(job, archive.Key, ct);
            if (zip is null) continue; // the report then shows the image's name without its picture
            foreach (var (relative, bytes) in ShardArchive.Extract(zip, wanted))
            {
                await jobs.WriteArtefactAsync(job, relative, bytes, ct);
                written++;
            }
        }
        return written;
    }

    static IEnumerable<string> Pictures(ImageRecord r) =>
        new[] { r.Input, r.Figure, r.PerturbationFigure, r.MaskingFigure, r.LayerSweep?.Strip }
            .Concat(r.Explanations.SelectMany(e => new[] { e.Heatmap?.Path, e.Overlay, e.Comparison?.BaselineHeatmap?.Path, e.Comparison?.DifferenceHeatmap?.Path }))
            .OfType<string>();
}
