using XaiVision.Engine.Models;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// A model ready to explain with: one run at a time uses it (<see cref="Gate"/>: explainers attach hooks to it), and the largest
/// batch that fitted in memory after an out-of-memory split is remembered for the next batches (read and written under the gate).
/// </summary>
public sealed record LoadedModel(ExplainableModel Model, SemaphoreSlim Gate, string Hash)
{
    public int? BatchLimit { get; set; }

    /// <summary>A model that one run owns outright (the CLI's).</summary>
    public static LoadedModel Own(ExplainableModel model) => new(model, new SemaphoreSlim(1, 1), "");
}
