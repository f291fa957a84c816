using XaiVision.Engine.Models;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Which network each method runs on when the model is bfloat16: the bf16 network where the method keeps its map
/// (<see cref="IExplainer.KeepsMapInBFloat16"/>: forward-only methods), else the model's float32 twin. Predictions,
/// perturbation forwards and metric curves stay on the bf16 network — logits keep their order there — which is where bf16's
/// speed remains. The one-line notice says which methods ran in float32, for the CLI and the report.
/// </summary>
public static class ReducedPrecision
{
    public static ExplainableModel ModelFor(ExplainableModel model, IExplainer explainer) =>
        model.Precision == ModelPrecision.Float32 || explainer.KeepsMapInBFloat16 ? model : model.Float32;

    /// <summary>The methods of <paramref name="explainers"/> that run in float32 at <paramref name="precision"/>.</summary>
    public static IReadOnlyList<string> InFloat32(ModelPrecision precision, IEnumerable<IExplainer> explainers) =>
        precision == ModelPrecision.Float32 ? [] : explainers.Where(e => !e.KeepsMapInBFloat16).Select(e => e.Name).Distinct().ToList();

    /// <summary>"bf16; in fp32: a, b (bf16 loses their maps)", or null when nothing runs in float32 or the model is float32.</summary>
    public static string? Notice(ModelPrecision precision, IEnumerable<IExplainer> explainers) =>
        InFloat32(precision, explainers) is { Count: > 0 } names
            ? $"bf16 network; {string.Join(", ", names)} run{(names.Count == 1 ? "s" : "")} in fp32 (bf16 loses {(names.Count == 1 ? "its map" : "their maps")}, README \"Reduced precision\")"
            : null;
}
