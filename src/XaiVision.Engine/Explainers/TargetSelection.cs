using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

public enum TargetMode { Predicted, Class, TopK, Label, Contrast }

/// <summary>
/// Which class each image is explained for: <c>predicted</c> (default), <c>class:K</c> (a fixed
/// index), <c>top-k:K</c> (the K highest logits, one map each), <c>label</c> (each image's ground-truth label) or
/// <c>contrast:A-B</c> (class A against class B: every method explains logit A − logit B, <see cref="Models.ExplainableModel.Contrasted"/>).
/// </summary>
public sealed record TargetSelection(TargetMode Mode, int Value, int Versus = -1)
{
    public static TargetSelection Predicted { get; } = new(TargetMode.Predicted, 1);

    public static TargetSelection Parse(string? text)
    {
        var t = (text ?? "").Trim().ToLowerInvariant();
        if (t is "" or "predicted") return Predicted;
        if (t == "label") return new TargetSelection(TargetMode.Label, 0);
        if (t.StartsWith("class:") && int.TryParse(t["class:".Length..], out var index) && index >= 0)
            return new TargetSelection(TargetMode.Class, index);
        if (int.TryParse(t, out index) && index >= 0) return new TargetSelection(TargetMode.Class, index);
        if (t.StartsWith("top-k:") && int.TryParse(t["top-k:".Length..], out var k) && k >= 1)
            return new TargetSelection(TargetMode.TopK, k);
        if (t.StartsWith("contrast:") && t["contrast:".Length..].Split('-') is [var a, var b]
            && int.TryParse(a, out var first) && int.TryParse(b, out var second) && first >= 0 && second >= 0)
            return first != second ? new TargetSelection(TargetMode.Contrast, first, second)
                : throw new XaiVisionException($"Target '{text}' contrasts class {first} with itself; name two different classes.");
        throw new XaiVisionException($"Target '{text}' is not one of: predicted, label, class:K (K ≥ 0), top-k:K (K ≥ 1), contrast:A-B (class A against class B).");
    }

    /// <summary>The model every method of the suite runs on: <paramref name="model"/>, or for a contrast its contrasted self.</summary>
    public Models.ExplainableModel On(Models.ExplainableModel model) => Mode == TargetMode.Contrast ? model.Contrasted(Versus) : model;

    /// <summary>Per image, the classes to explain, from that image's logits [N,C].</summary>
    public long[][] Choose(Tensor logits, IReadOnlyList<int?>? labels = null)
    {
        long classes = logits.shape[1];
        long n = logits.shape[0];
        switch (Mode)
        {
            case TargetMode.Label:
                return Enumerable.Range(0, (int)n).Select(i =>
                {
                    var label = labels is not null && i < labels.Count ? labels[i] : null;
                    if (label is not { } l) throw new XaiVisionException("Target 'label' needs a label for every image (a manifest with a label column).");
                    if (l < 0 || l >= classes) throw new XaiVisionException($"Label {l} does not exist: the model has {classes} classes.");
                    return new long[] { l };
                }).ToArray();
            case TargetMode.Class or TargetMode.Contrast:
                if (Value >= classes) throw new XaiVisionException($"Target class {Value} does not exist: the model has {classes} classes (0–{classes - 1}).");
                return Enumerable.Range(0, (int)n).Select(_ => new long[] { Value }).ToArray();
            case TargetMode.TopK:
                if (Value > classes) throw new XaiVisionException($"Target top-k:{Value} asks for more classes than the model's {classes}.");
                break;
        }
        int k = Mode == TargetMode.TopK ? Value : 1;
        using var top = logits.detach().cpu().topk(k, dim: 1).indexes;
        var flat = top.data<long>().ToArray();
        return Enumerable.Range(0, (int)n).Select(i => flat.Skip(i * k).Take(k).ToArray()).ToArray();
    }

    public override string ToString() => Mode switch
    {
        TargetMode.Predicted => "predicted",
        TargetMode.Class => $"class:{Value}",
        TargetMode.Label => "label",
        TargetMode.Contrast => $"contrast:{Value}-{Versus}",
        _ => $"top-k:{Value}",
    };
}
