namespace XaiVision.Contracts;

/// <summary>Event: the report is written. Summary: method → figure → mean. Gate verdict with its reasons.</summary>
public sealed record AuditJobCompleted(
    Guid JobId,
    string ReportLocation,
    int Images,
    int FailedImages,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Summary,
    bool GatesPassed,
    IReadOnlyList<string> GateFailures);
