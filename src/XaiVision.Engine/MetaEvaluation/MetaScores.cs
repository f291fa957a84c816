namespace XaiVision.Engine.MetaEvaluation;

/// <summary>
/// What one sample of images gave under the meta-evaluation, before any statistic: every output's scores per method and image,
/// clean and under each perturbation (null where the metric gave none), and which images each perturbation judged (kept their
/// prediction under a minor one, lost it under a disruptive one). Shards write these; the aggregation pools them
/// (<see cref="MetaEvaluator.Summarise"/>), so the sample spans the job.
/// </summary>
public sealed record MetaScores(IReadOnlyList<MetaOutput> Outputs, IReadOnlyList<string> Methods, IReadOnlyList<MetaTest> Tests,
    IReadOnlyDictionary<string, double?[][]> Clean, IReadOnlyList<MetaRun> Runs)
{
    /// <summary>Images in the sample.</summary>
    public int Images => Clean.Values.FirstOrDefault()?.FirstOrDefault()?.Length ?? 0;
}

/// <summary>A metric output under meta-evaluation, with its metric and direction.</summary>
public sealed record MetaOutput(string Output, string Metric, bool LowerIsBetter);

/// <summary>One perturbation (test <c>Test</c>, draw <c>Draw</c>): judged images and every output's scores [method][image].</summary>
public sealed record MetaRun(int Test, int Draw, bool[] Judged, IReadOnlyDictionary<string, double?[][]> Scores);
