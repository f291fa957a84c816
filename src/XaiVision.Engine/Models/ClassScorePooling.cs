using static TorchSharp.torch;

namespace XaiVision.Engine.Models;

/// <summary>How a class-score map [N, classes, h, w] becomes one score per class: its mean (default) or its maximum over positions.</summary>
public enum ClassScorePooling { Mean, Max }

public static class ClassScorePoolings
{
    static readonly Dictionary<string, ClassScorePooling> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mean"] = ClassScorePooling.Mean,
        ["max"] = ClassScorePooling.Max,
    };

    public static ClassScorePooling Parse(string? name) =>
        string.IsNullOrWhiteSpace(name) ? ClassScorePooling.Mean
            : ByName.TryGetValue(name.Trim(), out var pooling) ? pooling
            : throw new XaiVisionException($"Unknown class score '{name}'. Known: mean (the map's average, the default), max (its strongest position).");

    public static string Name(this ClassScorePooling pooling) => ByName.First(p => p.Value == pooling).Key;
}

/// <summary>
/// The last layer of a fully convolutional classifier: a class-score map [N, classes, h, w] → [N, classes] by mean or max over positions.
/// LRP passes relevance through it by the plain gradient: for the mean that is the LRP-0 / norm rule (R_p = s_p / n, summing to the
/// score), for the max winner-take-all; both conserve relevance.
/// </summary>
public sealed class ClassScorePool(ClassScorePooling pooling) : nn.Module<Tensor, Tensor>(nameof(ClassScorePool))
{
    public ClassScorePooling Pooling { get; } = pooling;

    public override Tensor forward(Tensor scoreMap) => Pooling == ClassScorePooling.Mean ? scoreMap.mean([2, 3]) : scoreMap.amax([2, 3]);
}
