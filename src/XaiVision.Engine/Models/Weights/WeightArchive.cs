namespace XaiVision.Engine.Models.Weights;

/// <summary>
/// What a weight file holds: every state dict found in it (the whole file when it is one; else each dict of tensors inside
/// a checkpoint, by its path: <c>state_dict</c>, <c>model_state_dict</c>, <c>ema</c>…) and the class names a checkpoint may
/// carry (<c>classes</c>, <c>class_names</c>, <c>idx_to_class</c>, …). Dispose to free the tensors.
/// </summary>
public sealed class WeightArchive(string source, IReadOnlyList<(string Path, StateDict Weights)> candidates, IReadOnlyList<string>? classNames) : IDisposable
{
    public string Source { get; } = source;
    public IReadOnlyList<(string Path, StateDict Weights)> Candidates { get; } = candidates;
    public IReadOnlyList<string>? ClassNames { get; } = classNames;

    /// <summary>How a candidate is named to the user: its path in the checkpoint, or "the whole file".</summary>
    public static string Describe(string path) => path.Length == 0 ? "the whole file" : $"'{path}'";

    public void Dispose()
    {
        foreach (var (_, weights) in Candidates) weights.Dispose();
    }
}
