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

    /// <summary>Positions across one row of the input (they run row-major: position i is at row i / across, column i % across).</summary>
    long Across(long width) => (width - _size) / _stride + 1;

    public override long MaskCount(long height, long width) => _size > height || _size > width ? 1 : ((height - _size) / _stride + 1) * Across(width);

    protected override Tensor Masks(long height, long width, long seed, long first, long count)
    {
        if (_size > height || _size > width) throw new XaiVisionException($"Occlusion patch size {_size} is larger than the {height}×{width} input.");
        long across = Across(width);
        var masks = ones(count, height, width);
        for (long i = 0; i < count; i++)
            masks[i].narrow(0, (first + i) / across * _stride, _size).narrow(1, (first + i) % across * _stride, _size).fill_(0);
        return masks;
    }

    /// <summary>The drop of the target's logit under the patch, y(x) − y(x_occluded).</summary>
    protected override Tensor Weights(Tensor reference, Tensor scores) => reference.unsqueeze(1) - scores;

    /// <summary>1 under the patch.</summary>
    protected override Tensor Footprint(Tensor masks) => 1 - masks;

    /// <summary>Each value's credit averaged over the positions that covered it (0 where none did), the same for every channel.</summary>
    protected override Tensor Finish(Tensor weighted, Tensor coverage, long masks, long channels) =>
        where(coverage.gt(0), weighted / coverage.clamp(min: 1), zeros_like(weighted)) * channels;
}
