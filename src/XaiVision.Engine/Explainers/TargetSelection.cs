using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

public enum TargetMode { Predicted, Class, TopK, Label, Contrast, Positive }

/// <summary>
/// Which class each image is explained for: <c>predicted</c> (default), <c>class:K</c> (a fixed
/// index), <c>top-k:K</c> (the K highest logits, one map each), <c>label</c> (each image's ground-truth label) or
/// <c>contrast:A-B</c> (class A against class B: every method explains logit A − logit B, <see cref="Models.ExplainableModel.Contrasted"/>) or
/// <c>positive</c> / <c>positive:T</c> (every class whose probability is at least T, default 0.5, most probable first: a multi-label
/// model's positive labels, one map each; an image with none gets no map).
/// </summary>
public sealed record TargetSelection(TargetMode Mode, int Value, int Versus = -1, double Threshold = 0.5)
{
    /// <summary>The probability a label needs to count as positive when <c>positive</c> names none.</summary>
    public const double DefaultThreshold = 0.5;

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
        if (t == "positive") return new TargetSelection(TargetMode.Positive, 0);
        if (t.StartsWith("positive:"))
            return double.TryParse(t["positive:".Length..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var threshold)
                && threshold is > 0 and < 1
                ? new TargetSelection(TargetMode.Positive, 0, Threshold: threshold)
                : throw new XaiVisionException($"Target '{text}': the label threshold must be a probability between 0 and 1 (exclusive), e.g. positive:0.5.");
        throw new XaiVisionException($"Target '{text}' is not one of: predicted, label, class:K (K ≥ 0), top-k:K (K ≥ 1), contrast:A-B (class A against class B), "
            + "positive or positive:T (every label with probability ≥ T, default 0.5: multi-label models).");
    }

    /// <summary>The model every method of the suite runs on: <paramref name="model"/>, or for a contrast its contrasted self.</summary>
    public Models.ExplainableModel On(Models.ExplainableModel model) => Mode == TargetMode.Contrast ? model.Contrasted(Versus) : model;

    /// <summary>Per image, the classes to explain, from that image's logits [N,C] (probabilities under <paramref name="head"/>).</summary>
    public long[][] Choose(Tensor logits, IReadOnlyList<int?>? labels = null, Models.OutputHead head = Models.OutputHead.Softmax)
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
            case TargetMode.Positive:
                return Positives(logits, head);
            case TargetMode.TopK:
                if (Value > classes) throw new XaiVisionException($"Target top-k:{Value} asks for more classes than the model's {classes}.");
                break;
        }
        int k = Mode == TargetMode.TopK ? Value : 1;
        using var top = logits.detach().cpu().topk(k, dim: 1).indexes;
        var flat = top.data<long>().ToArray();
        return Enumerable.Range(0, (int)n).Select(i => flat.Skip(i * k).Take(k).ToArray()).ToArray();
    }

    long[][] Positives(Tensor logits, Models.OutputHead head)
    {
        using var probabilities = Models.OutputHeads.Probabilities(head, logits.detach().to(ScalarType.Float32).cpu());
        long classes = logits.shape[1];
        var all = probabilities.data<float>().ToArray();
        return Enumerable.Range(0, (int)logits.shape[0]).Select(i => Enumerable.Range(0, (int)classes)
            .Where(c => all[i * classes + c] >= Threshold)
            .OrderByDescending(c => all[i * classes + c]).ThenBy(c => c)
            .Select(c => (long)c).ToArray()).ToArray();
    }

    public override string ToString() => Mode switch
    {
        TargetMode.Positive => Threshold == DefaultThreshold ? "positive" : $"positive:{Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
        TargetMode.Predicted => "predicted",
        TargetMode.Class => $"class:{Value}",
        TargetMode.Label => "label",
        TargetMode.Contrast => $"contrast:{Value}-{Versus}",
        _ => $"top-k:{Value}",
    };
}
