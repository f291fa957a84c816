using XaiVision.Engine.Explainers;

namespace XaiVision.Engine.MetaEvaluation;

/// <summary>
/// The job spec's <c>analysis</c> entry <c>meta-evaluation(images=16,perturbations=3)</c>: about how many of the job's images the
/// meta-evaluation scores (each shard takes its share, the first of its images), and how many draws of each of the four perturbation
/// tests. Off unless asked for: it costs (1 + 4 · perturbations) runs of the suite on the sample.
/// </summary>
public sealed record MetaEvaluationOptions(int Images = 16, int Perturbations = 3)
{
    public const string Name = "meta-evaluation";

    public static MetaEvaluationOptions Parse(string text)
    {
        var spec = MethodSpec.Parse(text);
        var options = new MetaEvaluationOptions(spec.Int("images", 16, 2, 10_000), spec.Int("perturbations", 3, 1, 100));
        spec.EnsureAllUsed();
        return options;
    }

    /// <summary>How many of a shard's images it scores: its share of <see cref="Images"/>, at least 2 (a ranking needs company).</summary>
    public int ShardShare(int shardCount, int shardImages) => Math.Min(shardImages, Math.Max(2, (Images + shardCount - 1) / shardCount));
}
