using XaiVision.Engine.Explainers;

namespace XaiVision.Engine.MetaEvaluation;

/// <summary>
/// The job spec's <c>analysis</c> entry <c>meta-evaluation(images=16,perturbations=3)</c>: about how many of the job's images the
/// meta-evaluation scores (spread over the first shards, the first of their images), and how many draws of each of the four perturbation
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

    /// <summary>
    /// How many of a shard's images it scores: the sample is spread over the first shards, at least 2 images each (a ranking needs
    /// company), so a job of a thousand shards still scores about <see cref="Images"/> images, not two thousand.
    /// </summary>
    public int ShardShare(int shardIndex, int shardCount, int shardImages)
    {
        int taking = Math.Clamp(Images / 2, 1, shardCount);
        return shardIndex >= taking ? 0 : Math.Min(shardImages, (Images + taking - 1) / taking);
    }
}
