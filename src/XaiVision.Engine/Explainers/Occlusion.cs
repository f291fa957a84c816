using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Occlusion (Zeiler &amp; Fergus 2014), with Captum's <c>Occlusion</c> semantics: a <c>size</c>×<c>size</c> patch over all colour
/// channels slides with <c>stride</c> (default size/2); at each position the patch is set to the baseline (zero in normalised
/// space) and the drop of the target logit, y(x) − y(x_occluded), is credited to every value under the patch; each value's
/// credit is averaged over the positions that covered it. The map sums the channels (each holds the same value: 3× Captum's
/// per-channel attribution); a pixel no position covers (a border the stride skips) gets 0. Cost: one forward per position.
/// </summary>
public sealed class Occlusion : BlackBoxExplainer
{
    readonly int _size, _stride, _batch;

    public Occlusion(MethodSpec spec) : this(spec.Int("size", 16, 1, 4096), spec.Int("stride", 0, 0, 4096), spec.Int("batch", 64, 1, 65536)) { }

    Occlusion(int size, int stride, int batch) : base(batch)
    {
        _size = size;
        _stride = stride > 0 ? stride : Math.Max(1, size / 2);
        _batch = batch;
    }

    public override string Name => "occlusion";

    public override IReadOnlyDictionary<string, string> Describe(ExplainableModel model) => new Dictionary<string, string>
    {
        ["size"] = _size.ToString(),
        ["stride"] = _stride.ToString(),
        ["baseline"] = "zero",
        ["batch"] = _batch.ToString(),
    };

    protected override Tensor Masks(long height, long width, long seed)
    {
        if (_size > height || _size > width) throw new XaiVisionException($"Occlusion patch size {_size} is larger than the {height}×{width} input.");
        var positions = (from top in Enumerable.Range(0, (int)((height - _size) / _stride) + 1)
                         from left in Enumerable.Range(0, (int)((width - _size) / _stride) + 1)
                         select (Top: top * _stride, Left: left * _stride)).ToList();
        var masks = ones(positions.Count, height, width);
        for (int i = 0; i < positions.Count; i++)
            masks[i].narrow(0, positions[i].Top, _size).narrow(1, positions[i].Left, _size).fill_(0);
        return masks;
    }

    protected override Tensor Combine(Tensor reference, Tensor scores, Tensor masks, long channels)
    {
        var occluded = 1 - masks;                                       // [K,H,W]: 1 under the patch
        var drop = reference.unsqueeze(1) - scores;                     // [N,K]
        var credit = matmul(drop, occluded.flatten(1));                 // [N,H·W]
        var covered = occluded.flatten(1).sum(dim: 0);                  // [H·W] (a bare sum(0) would pick the dtype overload)
        var perChannel = where(covered.gt(0), credit / covered.clamp(min: 1), zeros_like(credit));
        return (perChannel * channels).view(-1, masks.shape[1], masks.shape[2]);
    }
}
