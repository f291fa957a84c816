namespace XaiVision.Engine.Reports;

/// <summary>
/// What an audit publishes beside its maps: <c>report.json</c>, <c>report.html</c>, <c>images.csv</c> and the image browser
/// (<c>browser.html</c> with its row chunks), built from its records.
/// </summary>
public sealed record AuditOutputs(JobReport Report, string Html, string Csv, IReadOnlyDictionary<string, string> Browser)
{
    public static AuditOutputs Build(ReportRequest request, IReadOnlyList<ImageRecord> records, IReadOnlyList<ShardFailure>? failedShards = null)
    {
        var report = ReportBuilder.Build(request, records, failedShards);
        return new AuditOutputs(report, ReportHtml.Build(report, records), ImagesCsv.Build(records), ImageBrowser.Build(report, records));
    }
}
