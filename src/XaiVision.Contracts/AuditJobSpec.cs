namespace XaiVision.Contracts;

/// <summary>
/// An audit job: which model, which images, which suite, where the results go, which gates decide
/// pass/fail. Read from YAML or JSON with these field names (camelCase); unknown fields are errors.
/// </summary>
public sealed record AuditJobSpec
{
    public ModelSource Model { get; init; } = new();
    public ModelSource? Baseline { get; init; }
    public ImageSource Images { get; init; } = new();
    /// <summary>predicted | label | class:K | top-k:K | contrast:A-B (logit A − logit B)</summary>
    public string Targets { get; init; } = "predicted";
    public SuiteDefinition Suite { get; init; } = new();
    public OutputTarget Output { get; init; } = new();
    public IReadOnlyList<Gate> Gates { get; init; } = [];
    public int ShardSize { get; init; } = 16;
    /// <summary>Deadline in minutes from planning: a job not finished by then fails (a worker's Jobs:MaxJobMinutes caps it). Null: the worker's.</summary>
    public int? MaxMinutes { get; init; }
    /// <summary>
    /// Dataset-level analyses: <c>strategies</c> (SpRAy strategy clusters per class, with parameters, e.g. <c>strategies(size=32)</c>).
    /// Null: strategies for every class with at least 20 images; empty: none.
    /// </summary>
    public IReadOnlyList<string>? Analysis { get; init; }
    /// <summary>
    /// A named series (e.g. the nightly regression): each finished run is recorded in <c>history/&lt;series&gt;.json</c> in the jobs
    /// container, and the report shows the series' trend. Lowercase letters, digits and hyphens.
    /// </summary>
    public string? Series { get; init; }
}
