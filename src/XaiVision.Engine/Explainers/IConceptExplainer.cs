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

/// <summary>
/// Raw maps [N,H,W] as <see cref="IExplainer.Explain"/> returns them, each row's concepts, and the conditional maps [N,H,W] of each
/// row's first <see cref="ConceptShares.Located"/> concepts (by rank).
/// </summary>
public sealed record ConceptMaps(Tensor Maps, IReadOnlyList<ConceptShares> Concepts, IReadOnlyList<Tensor> Located)
{
    /// <summary>
    /// The concepts with, for rows that have an object mask (row-major over the map), the share of each located concept's positive
    /// relevance that lies on the object.
    /// </summary>
    public IReadOnlyList<ConceptShares> OnObject(IReadOnlyList<bool[]?> masks)
    {
        var located = Located.Select(m => { using var host = m.to(ScalarType.Float32).cpu().reshape(m.shape[0], -1); return host.data<float>().ToArray(); }).ToList();
        int plane = located.Count == 0 ? 0 : located[0].Length / Concepts.Count;
        return Concepts.Select((c, row) => masks[row] is not { } mask ? c : c with
        {
            Top = c.Top.Select((share, j) => j >= located.Count || share.Box is null ? share : share with
            {
                OnObject = OnMask(located[j].AsSpan(row * plane, plane), mask),
            }).ToList(),
        }).ToList();
    }

    static float? OnMask(ReadOnlySpan<float> map, bool[] mask)
    {
        double inside = 0, total = 0;
        for (int i = 0; i < map.Length; i++)
        {
            if (map[i] <= 0) continue;
            total += map[i];
            if (mask[i]) inside += map[i];
        }
        return total > 0 ? (float)(inside / total) : null;
    }
}
