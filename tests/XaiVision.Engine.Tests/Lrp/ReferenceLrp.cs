using TorchSharp.Modules;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Lrp;

/// <summary>
/// A slow, explicit, layer-by-layer LRP for sequential networks, written from the equations in
/// Montavon et al. 2019 ("an overview", the tutorial's code pattern): forward storing every
/// layer's input, then backwards per layer z = ρ(layer)(a) + ε, s = R / z, c = ∂(z·s)/∂a, R = a ⊙ c.
/// Independent of the hooks and composites under test.
/// </summary>
public static class ReferenceLrp
{
    public enum Rule { Zero, Epsilon, EpsilonRms, Gamma, AlphaBeta, ZPlus, ZBox, Flat, WSquare, MaxAsAverage, MaxAsAverageEpsilonRms, Winner, Norm, PoolEpsilon, Pass }

    public sealed record Settings(double Epsilon = 0, double Gamma = 0.25, double Alpha = 2, double Beta = 1, double[]? Low = null, double[]? High = null);

    /// <summary>Relevance [N,C,H,W] for a network given as its leaf layers in forward order (a flatten happens before the first Linear).</summary>
    public static Tensor Explain(IReadOnlyList<nn.Module<Tensor, Tensor>> layers, Func<int, Rule> ruleOf, Tensor x, long[] targets, Settings s)
    {
        var inputs = new List<Tensor>();
        var a = x.detach();
        using (no_grad())
            foreach (var layer in layers)
            {
                if (layer is Linear && a.dim() > 2) a = a.flatten(1);
                inputs.Add(a);
                a = layer.call(a);
            }
        var mask = zeros_like(a);
        for (int n = 0; n < targets.Length; n++) mask[n, targets[n]] = 1;
        var relevance = a * mask;
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            var input = inputs[i];
            relevance = Backward(layers[i], ruleOf(i), input, relevance.view(OutputShape(layers[i], input)), s);
        }
        return relevance;
    }

    static long[] OutputShape(nn.Module<Tensor, Tensor> layer, Tensor input)
    {
        using var _ = no_grad();
        return layer.call(input).shape;
    }

    static Tensor Sign(Tensor z) => z.ge(0).to_type(z.dtype) * 2 - 1;

    static Tensor Backward(nn.Module<Tensor, Tensor> layer, Rule rule, Tensor a, Tensor r, Settings s)
    {
        switch (rule)
        {
            case Rule.Pass:
                return r.view(a.shape);
            case Rule.Winner:
                return Propagate(a, r, x => layer.call(x), 0);
            case Rule.Norm:
                return Propagate(a, r, x => layer.call(x), 1e-9);
            case Rule.PoolEpsilon:
                return Propagate(a, r, x => layer.call(x), s.Epsilon);
            case Rule.MaxAsAverage:
            case Rule.MaxAsAverageEpsilonRms:
                {
                    var pool = (MaxPool2d)layer;
                    Tensor Average(Tensor x) => nn.functional.avg_pool2d(x, pool.kernel_size, pool.stride, pool.padding, pool.ceil_mode, count_include_pad: false);
                    if (rule == Rule.MaxAsAverage) return Propagate(a, r, Average, 1e-9);
                    // The tutorial's upper-range increment on its pooling layers: z + 0.25·rms(z) (per image here, as for convolutions).
                    using var _ = no_grad();
                    var z0 = Average(a);
                    var rms = z0.view(z0.shape[0], -1).pow(2).mean([1]).sqrt();
                    var results = new List<Tensor>();
                    for (int n = 0; n < a.shape[0]; n++)
                        results.Add(Propagate(a[n..(n + 1)], r[n..(n + 1)], Average, s.Epsilon * rms[n].item<double>() + 1e-9));
                    return cat(results, 0);
                }
        }
        var (w, b, f) = Affine(layer);
        switch (rule)
        {
            case Rule.Zero: return Propagate(a, r, x => f(x, w, b), 0);
            case Rule.Epsilon: return Propagate(a, r, x => f(x, w, b), s.Epsilon);
            case Rule.EpsilonRms:
                {
                    using var _ = no_grad();
                    var z0 = f(a, w, b);
                    var rms = z0.view(z0.shape[0], -1).pow(2).mean([1]).sqrt();
                    var results = new List<Tensor>();
                    for (int n = 0; n < a.shape[0]; n++)
                        results.Add(Propagate(a[n..(n + 1)], r[n..(n + 1)], x => f(x, w, b), s.Epsilon * rms[n].item<double>() + 1e-9));
                    return cat(results, 0);
                }
            case Rule.Gamma:
                return Propagate(a, r, x => f(x, w + s.Gamma * w.clamp(min: 0), b is null ? null : b + s.Gamma * b.clamp(min: 0)), 1e-9);
            case Rule.ZPlus:
                return Propagate(a, r, x => f(x.clamp(min: 0), w.clamp(min: 0), b?.clamp(min: 0)) + f(x.clamp(max: 0), w.clamp(max: 0), null), 1e-9);
            case Rule.AlphaBeta:
                {
                    var pos = Propagate(a, r, x => f(x.clamp(min: 0), w.clamp(min: 0), b?.clamp(min: 0)) + f(x.clamp(max: 0), w.clamp(max: 0), null), 1e-9);
                    var neg = Propagate(a, r, x => f(x.clamp(min: 0), w.clamp(max: 0), b?.clamp(max: 0)) + f(x.clamp(max: 0), w.clamp(min: 0), null), 1e-9);
                    return s.Alpha * pos - s.Beta * neg;
                }
            case Rule.Flat:
            case Rule.WSquare:
                {
                    var rho = rule == Rule.Flat ? ones_like(w) : w.pow(2);
                    var ones = ones_like(a).requires_grad_(true);
                    using var _ = enable_grad();
                    var z = f(ones, rho, null);
                    z = z + Sign(z).detach() * 1e-9;
                    var c = autograd.grad([(z * (r / z).detach()).sum()], [ones])[0];
                    return c.detach();
                }
            case Rule.ZBox:
                {
                    var low = tensor(s.Low!, dtype: a.dtype).view(1, -1, 1, 1).expand_as(a).contiguous().requires_grad_(true);
                    var high = tensor(s.High!, dtype: a.dtype).view(1, -1, 1, 1).expand_as(a).contiguous().requires_grad_(true);
                    var x = a.detach().requires_grad_(true);
                    using var _ = enable_grad();
                    var z = f(x, w, b) - f(low, w.clamp(min: 0), null) - f(high, w.clamp(max: 0), null);
                    z = z + Sign(z).detach() * 1e-9;
                    var g = autograd.grad([(z * (r / z).detach()).sum()], [x, low, high]);
                    return (x * g[0] + low * g[1] + high * g[2]).detach();
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(rule));
        }
    }

    /// <summary>R_in = a ⊙ ∂/∂a [ z(a) · (R / (z + ε sign z)) ] — the generic rule of the tutorial.</summary>
    static Tensor Propagate(Tensor a, Tensor r, Func<Tensor, Tensor> z, double epsilon)
    {
        var x = a.detach().requires_grad_(true);
        using var _ = enable_grad();
        var zx = z(x);
        var stabilised = zx + Sign(zx).detach() * epsilon;
        // LRP-0 (ε = 0): an output that is exactly zero carries no relevance (0/0 := 0)
        var s = where(stabilised.eq(0), zeros_like(r), r / stabilised).detach();
        var c = autograd.grad([(zx * s).sum()], [x])[0];
        return (x * c).detach();
    }

    static (Tensor W, Tensor? B, Func<Tensor, Tensor, Tensor?, Tensor> F) Affine(nn.Module<Tensor, Tensor> layer) => layer switch
    {
        Conv2d c => (c.weight!.detach(), c.bias?.detach(), (x, w, b) => nn.functional.conv2d(x, w, b, c.stride, c.padding, c.dilation, c.groups)),
        Linear l => (l.weight!.detach(), l.bias?.detach(), (x, w, b) => nn.functional.linear(x, w, b)),
        _ => throw new ArgumentException($"{layer.GetType().Name} has no weights"),
    };
}
