using XaiVision.Engine.Imaging;
using static TorchSharp.torch;

namespace XaiVision.Engine.Perturbations;

/// <summary>What a perturbation gets: normalised images [N,3,H,W], the preprocessing (for pixel space), a seed, and — for map-dependent perturbations — the maps [N,H,W].</summary>
public sealed record PerturbationInput(Tensor Images, Preprocessing Preprocessing, long Seed, Tensor? Maps = null);

/// <summary>
/// A change to the input whose effect on the prediction and on the explanation we measure. Geometric
/// perturbations also know how to warp a map computed on the perturbed image back into the original frame.
/// </summary>
public interface IPerturbation
{
    /// <summary>Name used in reports and as the output sub-folder.</summary>
    string Name { get; }

    IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>True when the perturbation depends on the explanation (masking): applied once per explainer.</summary>
    bool NeedsMaps => false;

    Tensor Apply(PerturbationInput input);

    /// <summary>
    /// Maps [N,H,W] of the perturbed images, brought back to the original frame, with a validity mask
    /// (1 where the original pixel was visible after the perturbation). Identity for non-geometric ones.
    /// </summary>
    (Tensor Maps, Tensor Valid) ToOriginalFrame(Tensor maps) => (maps.alias(), ones_like(maps));
}
