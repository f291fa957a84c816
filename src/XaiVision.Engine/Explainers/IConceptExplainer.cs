using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// A method that also says, per explained row, which channels (concepts) of one layer carried the relevance: the suite keeps them
/// in the image's record, for the concept summaries of a job.
/// </summary>
public interface IConceptExplainer : IExplainer
{
    ConceptMaps ExplainWithConcepts(ExplainableModel model, Tensor images, Tensor targets, long seed);
}

/// <summary>Raw maps [N,H,W] as <see cref="IExplainer.Explain"/> returns them, and each row's concepts.</summary>
public sealed record ConceptMaps(Tensor Maps, IReadOnlyList<ConceptShares> Concepts);
