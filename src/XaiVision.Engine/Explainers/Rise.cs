using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// RISE (Petsiuk et al. 2018, "RISE: Randomized Input Sampling for Explanation of Black-box Models"): <c>masks</c> random
/// binary <c>grid</c>×<c>grid</c> masks (each cell kept with probability <c>p</c>), upsampled bilinearly to
/// (grid + 1)·cell and cropped at a random shift, as the paper's code does; the saliency is
/// S = 1/(N·p) Σ_i P(target | x ⊙ M_i) · M_i, with P the target's probability (softmax, or sigmoid for a multi-label model). Masks are drawn on the CPU from the seed (the
/// same set for every image, so a result does not depend on batching). Cost: one forward per mask per image.
/// </summary>
public sealed class Rise : BlackBoxExplainer
{
    readonly int _masks, _grid, _batch;
    readonly double _p;

    public Rise(MethodSpec spec) : this(spec.Int("masks", 1000, 1, 100_000), spec.Int("grid", 8, 1, 256), spec.Double("p", 0.5, 1e-3, 1), spec.Int("batch", 64, 1, 65536)) { }

    Rise(int masks, int grid, double p, int batch) : base(batch)
    {
        _masks = masks;
        _grid = grid;
        _p = p;
        _batch = batch;
    }

    public override string Name => "rise";

    public override IReadOnlyDictionary<string, string> Describe(ExplainableModel model) => new Dictionary<string, string>
    {
        ["masks"] = _masks.ToString(),
        ["grid"] = _grid.ToString(),
        ["p"] = _p.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["score"] = $"{model.Head.Name()} probability",
        ["batch"] = _batch.ToString(),
    };

    protected override Tensor Score(ExplainableModel model, Tensor logits, Tensor targets) => model.Probabilities(logits).gather(1, targets.unsqueeze(1)).squeeze(1);

    /// <summary>Masks are drawn in blocks of this many, each block from its own generator: a mask is the same whatever chunk it is made in.</summary>
    const int DrawBlock = 64;

    /// <summary>The seeded mask set, [masks, H, W] in [0, 1].</summary>
    public Tensor MaskSet(long height, long width, long seed) => Masks(height, width, seed, 0, _masks);

    public override long MaskCount(long height, long width) => _masks;

    protected override long BytesPerMask(long height, long width)
    {
        var (cellH, cellW) = Cell(height, width);
        return 4 * ((long)_grid * _grid + (_grid + 1) * cellH * (_grid + 1) * cellW + height * width);
    }

    (long H, long W) Cell(long height, long width) => ((height + _grid - 1) / _grid, (width + _grid - 1) / _grid);

    protected override Tensor Masks(long height, long width, long seed, long first, long count)
    {
        using var scope = NewDisposeScope();
        var (cellH, cellW) = Cell(height, width);
        var masks = empty(count, height, width);
        for (long block = first / DrawBlock; block * DrawBlock < first + count; block++)
        {
            using var blockScope = NewDisposeScope();
            using var generator = new Generator(unchecked((ulong)seed + (ulong)block * 0x9E3779B97F4A7C15UL));
            var grid = rand(new long[] { DrawBlock, 1, _grid, _grid }, generator: generator).lt(_p).to(ScalarType.Float32);
            var shiftY = randint(0, cellH, new long[] { DrawBlock }, generator: generator).data<long>().ToArray();
            var shiftX = randint(0, cellW, new long[] { DrawBlock }, generator: generator).data<long>().ToArray();
            long from = Math.Max(first, block * DrawBlock), to = Math.Min(first + count, (block + 1) * DrawBlock);
            var upsampled = nn.functional.interpolate(grid.narrow(0, from - block * DrawBlock, to - from), [(_grid + 1) * cellH, (_grid + 1) * cellW],
                mode: InterpolationMode.Bilinear, align_corners: false);
            for (long i = from; i < to; i++)
            {
                long inBlock = i - block * DrawBlock;
                masks[i - first].copy_(upsampled[i - from, 0].narrow(0, shiftY[inBlock], height).narrow(1, shiftX[inBlock], width));
            }
        }
        return masks.MoveToOuterDisposeScope();
    }

    protected override Tensor Weights(Tensor reference, Tensor scores) => scores;

    protected override Tensor Finish(Tensor weighted, Tensor coverage, long masks, long channels) => weighted / (masks * _p);
}
