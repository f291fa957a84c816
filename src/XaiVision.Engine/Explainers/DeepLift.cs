using XaiVision.Engine.Memory;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// DeepLIFT with the rescale rule (Shrikumar et al. 2017, "Learning important features through propagating activation
/// differences", ICML; Captum <c>DeepLift</c>): (x − x′) · m, where m is ∂y/∂x with every activation's and max-pool's derivative
/// replaced by its difference quotient against the reference x′ (<see cref="RescaleRule"/>), summed over the colour channels
/// (signed, as integrated gradients). Σ map = y(x) − y(x′). The reference is <c>zero</c> (Captum's default: zeros in normalised
/// space) or <c>black</c>. One forward and one backward of 2N rows: the images with their references.
/// </summary>
public sealed class DeepLift : GradientExplainer
{
    static readonly Dictionary<string, string> Baselines = new() { ["zero"] = "zero", ["black"] = "black" };

    readonly string _baseline;
    readonly int _batch;

    public DeepLift(MethodSpec spec)
    {
        _baseline = spec.Choice("baseline", "zero", Baselines);
        _batch = spec.Int("batch", 64, 2, 65536);
    }

    public override string Name => "deep-lift";

    public override IReadOnlyDictionary<string, string> Describe(ExplainableModel model) => new Dictionary<string, string>
    {
        ["baseline"] = _baseline,
        ["rule"] = "rescale",
        ["batch"] = _batch.ToString(),
    };

    public override Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        using var scope = NewDisposeScope();
        var references = IntegratedGradients.Baseline(model, images, _baseline);
        return Attributions(model, images, references, targets, _batch, Name).sum(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// (x − x′) · the rescale multipliers per colour channel [R, C, H, W], for <paramref name="inputs"/> paired row for row with
    /// <paramref name="references"/>; each chunk runs as [inputs; references] (<paramref name="batch"/> rows at most).
    /// </summary>
    internal static Tensor Attributions(ExplainableModel model, Tensor inputs, Tensor references, Tensor targets, int batch, string method)
    {
        using var scope = NewDisposeScope();
        using var rule = new RescaleRule(model, method);
        long rows = inputs.shape[0];
        long pairs = Math.Max(1, RowLimit.Rows(model, batch, inputs.shape[2] * inputs.shape[3], backward: true) / 2);
        var parts = new List<Tensor>();
        for (long start = 0; start < rows; start += pairs)
        {
            long count = Math.Min(pairs, rows - start);
            var (x, reference, target) = (inputs.narrow(0, start, count), references.narrow(0, start, count), targets.narrow(0, start, count));
            var multipliers = InputGradients(model, cat([x, reference]), cat([target, target])).narrow(0, 0, count);
            parts.Add((x - reference) * multipliers);
        }
        return cat(parts).MoveToOuterDisposeScope();
    }
}
