using System.Globalization;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Lrp.Concepts;

/// <summary>
/// <c>crp(layer=…, channels=a+b | top=k)</c> with the rules of <c>lrp-composite</c>, or <c>crp:&lt;preset&gt;(…)</c> with those of
/// <c>lrp:&lt;preset&gt;</c> (its parameters too): the conditional relevance R(x | θ) (<see cref="ConditionalRelevance"/>) through the
/// channels θ of <c>layer</c> (default: the model's CAM layer) — the given ones, or each image's k most relevant (default: its most
/// relevant one). Each row's record keeps its <see cref="ConceptsKept"/> most relevant channels with their shares.
/// </summary>
public sealed class CrpExplainer : IConceptExplainer
{
    /// <summary>Channels each record keeps (bounded: a 1M-image job keeps 8 numbers per map).</summary>
    public const int ConceptsKept = 8;

    readonly LrpExplainer _lrp;
    readonly string? _layer;
    readonly int[]? _channels;
    readonly int _top;

    public static bool Handles(string name) => name == "crp" || name.StartsWith("crp:", StringComparison.Ordinal);

    public CrpExplainer(MethodSpec spec)
    {
        Name = spec.Name == "crp" ? "crp" : spec.Name.Replace(':', '-');
        _lrp = LrpMethods.WithRules(spec.Name == "crp" ? "composite" : spec.Name["crp:".Length..], spec, Name);
        _layer = spec.String("layer") ?? spec.DefaultLayer;
        if (spec.Has("channels") && spec.Has("top"))
            throw new XaiVisionException($"Method '{spec.Text}': give channels (a fixed set, joined by '+') or top (each image's k most relevant), not both.");
        _channels = spec.String("channels") is { } channels ? ParseChannels(spec.Text, channels) : null;
        _top = spec.Int("top", 1, 1, 64);
    }

    public string Name { get; }

    /// <summary>The layer the method string (or the CLI's --layer) names; null: the model's CAM layer.</summary>
    public string? LayerName => _layer;

    public IReadOnlyDictionary<string, string> Describe(ExplainableModel model)
    {
        var parameters = new Dictionary<string, string>(_lrp.Describe(model)) { ["layer"] = LayerOf(model) };
        if (_channels is not null) parameters["channels"] = string.Join('+', _channels);
        else parameters["top"] = _top.ToString(CultureInfo.InvariantCulture);
        return parameters;
    }

    public Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        var result = ExplainWithConcepts(model, images, targets, seed);
        foreach (var located in result.Located) located.Dispose();
        return result.Maps;
    }

    /// <summary>Why this CRP cannot explain <paramref name="architecture"/> (null: it can).</summary>
    public string? Refusal(Architecture architecture) => LrpSupport.ConceptRefusal(architecture, _lrp.Composite);

    public ConceptMaps ExplainWithConcepts(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        if (Refusal(model.Architecture) is { } refusal) throw new XaiVisionException(refusal);
        using var scope = NewDisposeScope();
        var layer = LayerOf(model);
        var result = ConditionalRelevance.Compute(_lrp, model, images, targets, layer, relevance => [Condition(relevance, layer), .. EachOfTop(relevance)]);
        var concepts = ConditionalRelevance.Top(result.ChannelRelevance, layer, ConceptsKept);
        var located = result.Maps.Skip(1).Select(m => m.sum(1)).ToList();
        var boxes = located.Select(ConceptLocation.Boxes).ToList();
        concepts = concepts.Select((c, row) => c with
        {
            Top = c.Top.Select((share, j) => j < boxes.Count ? share with { Box = boxes[j][row] } : share).ToList(),
        }).ToList();
        return new ConceptMaps(result.Maps[0].sum(1).MoveToOuterDisposeScope(), concepts, located.Select(m => m.MoveToOuterDisposeScope()).ToList());
    }

    /// <summary>Per rank j &lt; <see cref="ConceptShares.Located"/>, the mask of each image's j-th most relevant channel.</summary>
    static IEnumerable<Tensor> EachOfTop(Tensor channelRelevance)
    {
        var top = channelRelevance.topk((int)Math.Min(ConceptShares.Located, channelRelevance.shape[1]), dim: 1).indexes;
        for (int j = 0; j < top.shape[1]; j++)
        {
            var index = top.narrow(1, j, 1);
            yield return zeros_like(channelRelevance).scatter_(1, index, ones(index.shape, channelRelevance.dtype, channelRelevance.device));
        }
    }

    string LayerOf(ExplainableModel model) => _layer ?? model.Architecture.DefaultCamLayer;

    /// <summary>The 0/1 mask [N,C] of the channels each image is conditioned on.</summary>
    Tensor Condition(Tensor channelRelevance, string layer)
    {
        long count = channelRelevance.shape[1];
        var mask = zeros_like(channelRelevance);
        if (_channels is null)
        {
            var top = channelRelevance.topk((int)Math.Min(_top, count), dim: 1).indexes;
            return mask.scatter_(1, top, ones(top.shape, mask.dtype, mask.device));
        }
        if (_channels.FirstOrDefault(c => c >= count, -1) is var missing and >= 0)
            throw new XaiVisionException($"Method '{Name}': layer '{layer}' has {count} channels (0–{count - 1}); there is no channel {missing}.");
        return mask.index_fill_(1, tensor(_channels.Select(c => (long)c).ToArray(), device: mask.device), 1.0);
    }

    static int[] ParseChannels(string text, string channels)
    {
        var parts = channels.Split('+', StringSplitOptions.TrimEntries);
        var parsed = parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : -1).ToArray();
        if (parts.Length == 0 || parsed.Any(c => c < 0) || parsed.Distinct().Count() != parsed.Length)
            throw new XaiVisionException($"Method '{text}': channels must be different channel numbers joined by '+', e.g. channels=3+17, got '{channels}'.");
        return parsed;
    }
}
