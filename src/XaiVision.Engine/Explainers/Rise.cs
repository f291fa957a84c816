using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// RISE (Petsiuk et al. 2018, "RISE: Randomized Input Sampling for Explanation of Black-box Models"): <c>masks</c> random
/// binary <c>grid</c>×<c>grid</c> masks (each cell kept with probability <c>p</c>), upsampled bilinearly to
/// (grid + 1)·cell and cropped at a random shift, as the paper's code does; the saliency is
/// S = 1/(N·p) Σ_i P(target | x ⊙ M_i) · M_i, with P the softmax probability. Masks are drawn on the CPU from the seed (the
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
        ["score"] = "softmax probability",
        ["batch"] = _batch.ToString(),
    };

    protected override Tensor Score(Tensor logits, Tensor targets) => logits.softmax(1).gather(1, targets.unsqueeze(1)).squeeze(1);

    /// <summary>The seeded mask set, [masks, H, W] in [0, 1].</summary>
    public Tensor MaskSet(long height, long width, long seed) => Masks(height, width, seed);

    protected override Tensor Masks(long height, long width, long seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        long cellH = (height + _grid - 1) / _grid, cellW = (width + _grid - 1) / _grid;
        var grid = rand(new long[] { _masks, 1, _grid, _grid }, generator: generator).lt(_p).to(ScalarType.Float32);
        var upsampled = nn.functional.interpolate(grid, [(_grid + 1) * cellH, (_grid + 1) * cellW], mode: InterpolationMode.Bilinear, align_corners: false);
        var shiftY = randint(0, cellH, new long[] { _masks }, generator: generator).data<long>().ToArray();
        var shiftX = randint(0, cellW, new long[] { _masks }, generator: generator).data<long>().ToArray();
        var masks = empty(_masks, height, width);
        for (int i = 0; i < _masks; i++)
            masks[i].copy_(upsampled[i, 0].narrow(0, shiftY[i], height).narrow(1, shiftX[i], width));
        return masks.MoveToOuterDisposeScope();
    }

    protected override Tensor Combine(Tensor reference, Tensor scores, Tensor masks, long channels) =>
        (matmul(scores, masks.flatten(1)) / (masks.shape[0] * _p)).view(-1, masks.shape[1], masks.shape[2]);
}
