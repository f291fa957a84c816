using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Explains a batch: N images, one target class per image, in as few forward/backward passes as
/// the method allows. Returns raw maps [N,H,W] (float32, unscaled, on the model's device).
/// </summary>
public interface IExplainer
{
    /// <summary>Canonical method name, used in file names and reports.</summary>
    string Name { get; }

    /// <summary>The method's parameters as used on <paramref name="model"/> (defaults filled in), for summaries.</summary>
    IReadOnlyDictionary<string, string> Describe(ExplainableModel model);

    Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed);

    /// <summary>
    /// Whether a bfloat16 network keeps this method's map (r ≥ 0.99 against float32, measured with native bf16 arithmetic:
    /// README "Reduced precision"). Methods that read gradients lose it — a gradient is a long product of rounded values and
    /// ReLU gates flip near zero — so they run on the model's float32 twin (<see cref="ReducedPrecision"/>). New methods
    /// default to float32 until measured.
    /// </summary>
    bool KeepsMapInBFloat16 => false;
}
