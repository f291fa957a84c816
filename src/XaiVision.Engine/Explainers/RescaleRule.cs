using TorchSharp.Modules;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// DeepLIFT's rescale rule (Shrikumar et al. 2017, "Learning important features through propagating activation differences",
/// ICML; Captum <c>DeepLift</c>) installed on a network whose batch is [inputs; references], row i paired with row N + i. While
/// active, every elementwise activation module passes back g · Δy/Δx (Δ: the row minus its pair's row) instead of g · f′(x), and
/// every MaxPool2d passes the output difference back to the input's and the reference's maxima
/// (g·(max(y, y′) − y′) at the input's, g·(y − max(y, y′)) at the reference's, over Δx), as Captum's rules do; where |Δx| &lt;
/// 10⁻¹⁰ the ordinary gradient stays. Forward values are unchanged: each module's output is rebuilt as itself plus terms that are
/// zero in value and carry the rule's gradient. Departures from Captum, both for summation to delta (Σ attribution = y(x) −
/// y(x′), exact under these rules): a MaxPool2d whose windows overlap adds up a position's share from every window that chose it
/// (Captum's max_unpool keeps one); and the activations Captum has no rule for (ReLU6, SiLU, GELU, Hardswish, Hardsigmoid, Mish,
/// SELU, CELU, PReLU) get the same rescale rule — Captum passes their plain gradient. A module called twice (ResNet's block ReLU)
/// is handled per call. A TorchScript model hides its modules: refused with the reason.
/// </summary>
internal sealed class RescaleRule : IDisposable
{
    const double Epsilon = 1e-10;
    readonly List<Action> _undo = [];

    public RescaleRule(ExplainableModel model, string method)
    {
        if (model.Network is TorchScriptNetwork)
            throw new XaiVisionException($"{method} replaces the activations' and max-pools' backward pass, which a TorchScript model hides; load the model's weights instead.");
        foreach (var (_, module) in ModuleTree.Leaves(model.Network))
        {
            if (module is MaxPool2d pool) Hook(pool, (_, input, _) => MaxPool(pool, input));
            else if (module is ReLU or LeakyReLU or ELU or Sigmoid or Tanh or Softplus or ReLU6 or SiLU or GELU or Hardswish or Hardsigmoid
                     or Mish or SELU or CELU or PReLU)
                Hook((nn.Module<Tensor, Tensor>)module, (_, input, output) => Elementwise(input, output));
        }
    }

    void Hook(nn.Module<Tensor, Tensor> module, Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor> rule)
    {
        // An in-place activation would overwrite the input the rule reads.
        var inplace = module.GetType().GetProperty("inplace");
        var was = inplace?.GetValue(module);
        inplace?.SetValue(module, false);
        var hook = module.register_forward_hook(rule);
        _undo.Add(() => { hook.remove(); inplace?.SetValue(module, was); });
    }

    public void Dispose()
    {
        foreach (var undo in _undo) undo();
        _undo.Clear();
    }

    /// <summary>Row minus its pair's row, for both halves ([Δ; Δ], Captum's <c>_compute_diffs</c>).</summary>
    static Tensor Differences(Tensor values)
    {
        long half = values.shape[0] / 2;
        var delta = values.detach().narrow(0, 0, half) - values.detach().narrow(0, half, half);
        return cat([delta, delta]);
    }

    /// <summary>y·[small] + stop(y)·[not small] + (x − stop(x))·Δy/Δx: the value y, the gradient f′(x) or Δy/Δx.</summary>
    static Tensor Elementwise(Tensor input, Tensor output)
    {
        using var scope = NewDisposeScope();
        var deltaIn = Differences(input);
        var small = deltaIn.abs().lt(Epsilon);
        var keep = small.to(output.dtype);
        var ratio = where(small, zeros_like(deltaIn), Differences(output) / where(small, ones_like(deltaIn), deltaIn));
        return (output * keep + output.detach() * (1 - keep) + (input - input.detach()) * ratio).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The pool of (x where small, stop(x) elsewhere) — the value and the ordinary gradient where |Δx| is small — plus the rule's
    /// term, zero in value: with z = (x − stop(x)) / Δx elsewhere and s = z + z of the pair row, the input row's output gains
    /// δ₁ · s[argmax x] and the reference row's δ₂ · s[argmax x′] (δ₁ = max(y, y′) − y′, δ₂ = y − max(y, y′)). Its gradient, to
    /// both rows of a pair, is the scatter of g·δ₁ (the input row's g) and g′·δ₂ (the reference row's) to the two maxima, over Δx:
    /// Captum's unpool of both halves, summed and copied to both.
    /// </summary>
    static Tensor MaxPool(MaxPool2d pool, Tensor input)
    {
        using var scope = NewDisposeScope();
        long[] kernel = Pair(pool.kernel_size, 1), stride = Pair(pool.stride, 0) is [0, 0] ? kernel : Pair(pool.stride, 0);
        long[] padding = Pair(pool.padding, 0), dilation = Pair(pool.dilation, 1);
        var (pooled, indices) = nn.functional.max_pool2d_with_indices(input.detach(), kernel, stride, padding, dilation, pool.ceil_mode);
        long half = input.shape[0] / 2;
        var deltaIn = Differences(input);
        var small = deltaIn.abs().lt(Epsilon);
        var keep = small.to(input.dtype);
        var ordinary = nn.functional.max_pool2d(input * keep + input.detach() * (1 - keep), kernel, stride, padding, dilation, pool.ceil_mode);
        var z = ((input - input.detach()) * (1 - keep) / where(small, ones_like(deltaIn), deltaIn)).flatten(2);
        var pairSum = z.narrow(0, 0, half) + z.narrow(0, half, half);
        var (own, reference) = (pooled.narrow(0, 0, half), pooled.narrow(0, half, half));
        var larger = maximum(own, reference);
        Tensor At(Tensor where) => pairSum.gather(2, where.flatten(2)).view_as(own);
        var rule = cat([(larger - reference) * At(indices.narrow(0, 0, half)), (own - larger) * At(indices.narrow(0, half, half))]);
        return (ordinary + rule).MoveToOuterDisposeScope();
    }

    /// <summary>A pool parameter as (height, width): absent → <paramref name="absent"/>, one value → both.</summary>
    static long[] Pair(long[]? values, long absent) => values switch
    {
        null or [] => [absent, absent],
        [var both] => [both, both],
        _ => values,
    };
}
